import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DirectNoticePublisher, flushOutbox, OutboxNotices } from '../../src/app/orders/status-notices.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier } from '../../src/ports/notifier.ts';
import type { NoticePublisher, StatusNotices } from '../../src/ports/status-notices.ts';
import { DynamoNoticeRecords } from '../aws/dynamo-notice-records.ts';

export interface LocalNoticesOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly ordersTable: string;
  readonly notifier: Notifier;
  readonly log: Logger;
  readonly now: () => Date;
  /** Wraps the publisher (the fault suite injects throws, hangs, crashes, duplicates and reordering). */
  readonly wrapPublisher?: (publisher: NoticePublisher) => NoticePublisher;
  /** How long one publish may take before the announce gives up and leaves it to the sweep (default 5 s). */
  readonly publishTimeoutMs?: number;
}

export interface LocalNotices {
  readonly notices: StatusNotices;
  readonly records: DynamoNoticeRecords;
  /** One outbox sweep: notices pending for longer than `graceMs` are published again. */
  sweep(graceMs: number): Promise<number>;
  /** Waits (at most `maxMs`) for publishes still running, timed-out ones included, before the store closes. */
  settled(maxMs: number): Promise<void>;
}

/**
 * One machine's status DMs: the outbox and the ledger on the order items in the embedded store (this process is its
 * single writer), and a publisher that sends the DM itself through the ledger.
 */
export function localNotices(options: LocalNoticesOptions): LocalNotices {
  const records = new DynamoNoticeRecords(options.doc, options.ordersTable);
  const direct = new DirectNoticePublisher({
    ledger: records,
    outbox: records,
    notifier: options.notifier,
    now: options.now,
  });
  const notices = new OutboxNotices({
    publisher: options.wrapPublisher ? options.wrapPublisher(direct) : direct,
    outbox: records,
    log: options.log,
    // The task that changed the status waits for its announce: two tries of 5 s at most stay well inside the ASL's
    // 30 s TimeoutSeconds, so a DM that hangs never times out (and refunds) the order; the sweep sends it later.
    attempts: 2,
    timeoutMs: options.publishTimeoutMs ?? 5_000,
  });
  return {
    notices,
    records,
    sweep: (graceMs) => flushOutbox({ outbox: records, notices, now: options.now, graceMs }),
    settled: (maxMs) => notices.settled(maxMs),
  };
}
