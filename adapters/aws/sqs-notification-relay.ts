import { setTimeout as delay } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type DeliverOutcome, deliverNotice } from '../../src/app/orders/status-notices.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier } from '../../src/ports/notifier.ts';
import type { NoticeLedger } from '../../src/ports/status-notices.ts';
import { parseNotificationMessage, type ReadNotification } from './order-notification-message.ts';

export interface SqsNotificationRelayOptions {
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). Tests inject a fake. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Wait after a failed receive: doubles from `baseMs` up to `maxMs`, back to `baseMs` after a success. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /**
   * Pause after a receive that returned nothing. A real long poll already waited 20 s; this guards against an
   * endpoint that answers at once (short polling, an emulator), which would otherwise spin the CPU.
   */
  readonly idleMs?: number;
  /** Receive loops running at once, each with up to ten messages in flight (default 3: at most 30 DMs at a time). */
  readonly pollers?: number;
  /** A notice another relay is sending for the same order comes back after this many seconds (default 5). */
  readonly busyRetrySeconds?: number;
  readonly now?: () => Date;
}

/** Where the relay delivers: the bot's notifier, through the ledger that shows each notice once. */
export interface RelayTarget {
  readonly notifier: Notifier;
  readonly ledger: NoticeLedger;
}

type State =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly controller: AbortController; readonly loops: Promise<void> }
  | { readonly status: 'stopped' };

const sleepUnlessAborted = (ms: number, signal: AbortSignal): Promise<void> =>
  // timers/promises rejects only on abort, which here just means "stop waiting".
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Cloud mode's way back to the customer: the task Lambda publishes each status change to SNS, SNS fills this SQS
 * queue, and the relay long-polls it and hands each notice to the bot's notifier (the RoutingNotifier, which DMs
 * the user on their surface). Delivery is at least once: a message is deleted only once the notifier says `sent`, or
 * `undeliverable` (no retry would reach that user), so a crash in between sends that DM again. A `failed` DM (Discord
 * or Slack down for a moment), or a message it cannot read, stays on the queue: it comes back after the visibility
 * timeout and, after the queue's maxReceiveCount, moves to the dead-letter queue. The loop never throws; errors are
 * logged and retried with backoff.
 */
/**
 * Cloud mode's way back to the customer: the task Lambda publishes each status notice to SNS, SNS fills this SQS
 * queue, and the relay long-polls it and shows each notice once through the ledger (DeliverNotice): a duplicate
 * (a publish retried after a timeout, SQS's own at-least-once) or an older status arriving after a newer one was
 * shown is dropped and deleted. Several receive loops run at once; inside a batch, one order's notices go in rank
 * order while different orders go concurrently. A message is deleted only once its DM was sent, or refused for
 * good, or dropped; a `failed` DM or a message it cannot read stays on the queue, comes back after the visibility
 * timeout and, after the queue's maxReceiveCount, moves to the dead-letter queue. One held by another relay's claim
 * comes back sooner (busyRetrySeconds). The loops never throw; errors are logged and retried with backoff.
 */
export class SqsNotificationRelay {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #target: RelayTarget;
  readonly #log: Logger;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly #idleMs: number;
  readonly #pollers: number;
  readonly #busyRetrySeconds: number;
  readonly #now: () => Date;
  #state: State = { status: 'idle' };

  constructor(
    client: SQSClient,
    queueUrl: string,
    target: RelayTarget,
    log: Logger,
    options: SqsNotificationRelayOptions = {},
  ) {
    if (!/^https?:\/\//.test(queueUrl) || !URL.canParse(queueUrl)) {
      throw new Error(
        `ORDERS_NOTIFICATIONS_QUEUE_URL must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>, ` +
          `the OrdersNotificationsQueueUrl output of the infra/ stack), got “${queueUrl}”`,
      );
    }
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#target = target;
    this.#log = log;
    this.#sleep = options.sleep ?? sleepUnlessAborted;
    this.#backoff = options.backoff ?? { baseMs: 1_000, maxMs: 60_000 };
    this.#idleMs = options.idleMs ?? 1_000;
    this.#pollers = Math.max(1, options.pollers ?? 3);
    this.#busyRetrySeconds = options.busyRetrySeconds ?? 5;
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts polling; does nothing if already running, or once stopped (stop is for shutdown). */
  start(): void {
    if (this.#state.status !== 'idle') return;
    const controller = new AbortController();
    const loops = Promise.all(
      Array.from({ length: this.#pollers }, () =>
        this.#run(controller.signal).catch((error: unknown) => {
          // #run catches everything it expects; reaching here is a bug, and it must not become an unhandled rejection.
          this.#log.error({ err: error }, 'the order notification relay stopped unexpectedly');
        }),
      ),
    ).then(() => undefined);
    this.#state = { status: 'running', controller, loops };
  }

  /** Aborts the long polls in flight, lets batches being delivered finish (and be deleted), then resolves. */
  async stop(): Promise<void> {
    const state = this.#state;
    this.#state = { status: 'stopped' };
    if (state.status !== 'running') return;
    state.controller.abort();
    await state.loops;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const received = await this.#client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: signal },
        );
        const messages = received.Messages ?? [];
        await this.#deliver(messages);
        failures = 0;
        if (messages.length === 0) await this.#sleep(this.#idleMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const delayMs = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** (failures - 1));
        this.#log.warn({ err: error, failures, delayMs }, 'receiving order notifications failed; retrying');
        await this.#sleep(delayMs, signal);
      }
    }
  }

  /** Delivers one batch (orders concurrently, each order's notices in rank order), then deletes what is done. */
  async #deliver(messages: readonly Message[]): Promise<void> {
    const read = messages.map((message, index) => ({ message, index, parsed: this.#read(message) }));
    const byOrder = new Map<string, typeof read>();
    for (const entry of read) {
      const key = entry.parsed?.kind === 'notice' ? entry.parsed.notice.orderId : `#${entry.index}`;
      byOrder.set(key, [...(byOrder.get(key) ?? []), entry]);
    }
    const outcomes = new Map<number, DeliverOutcome | 'unreadable'>();
    await Promise.all(
      [...byOrder.values()].map(async (group) => {
        group.sort((a, b) => rankOf(a.parsed) - rankOf(b.parsed));
        for (const { message, index, parsed } of group) {
          outcomes.set(index, parsed ? await this.#deliverOne(message, parsed) : 'unreadable');
        }
      }),
    );
    const entries = (want: (o: DeliverOutcome | 'unreadable' | undefined) => boolean) =>
      read
        .filter(({ index, message }) => want(outcomes.get(index)) && message.ReceiptHandle !== undefined)
        .map(({ index, message }) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' }));
    const done = entries((o) => o === 'shown' || o === 'skipped');
    const busy = entries((o) => o === 'retry');
    // Not aborted by stop(): what was delivered must be deleted, or the relay would only drop the copy later.
    if (done.length > 0) {
      const result = await this.#client.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: done }),
      );
      for (const failed of result.Failed ?? []) {
        this.#log.warn(
          { code: failed.Code, senderFault: failed.SenderFault, detail: failed.Message },
          'deleting a delivered order notification failed; its copy will be dropped when it comes back',
        );
      }
    }
    if (busy.length > 0) {
      try {
        await this.#client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: busy.map((e) => ({ ...e, VisibilityTimeout: this.#busyRetrySeconds })),
          }),
        );
      } catch (error) {
        this.#log.debug({ err: error }, 'could not shorten a retry; it comes back after the visibility timeout');
      }
    }
  }

  #read(message: Message): ReadNotification | undefined {
    const parsed = parseNotificationMessage(message.Body);
    if (parsed.ok) return parsed.notification;
    this.#log.warn(
      {
        messageId: message.MessageId,
        receiveCount: message.Attributes?.ApproximateReceiveCount,
        reason: parsed.reason,
      },
      'unreadable order notification left on the queue for its dead-letter queue',
    );
    return undefined;
  }

  async #deliverOne(message: Message, read: ReadNotification): Promise<DeliverOutcome> {
    const where = { messageId: message.MessageId, receiveCount: message.Attributes?.ApproximateReceiveCount };
    try {
      const outcome =
        read.kind === 'notice'
          ? await deliverNotice({ ...this.#target, now: this.#now }, read.notice)
          : (await this.#target.notifier.notify(read.user, read.reply)) === 'failed'
            ? 'retry'
            : 'shown';
      if (outcome === 'skipped') this.#log.debug(where, 'duplicate or older order notification dropped');
      if (outcome === 'retry')
        this.#log.warn(where, 'order notification not delivered; left on the queue to come back');
      return outcome;
    } catch (error) {
      // The ledger or a notifier threw: the message comes back after the visibility timeout.
      this.#log.warn({ err: error, ...where }, 'delivering an order notification failed');
      return 'retry';
    }
  }
}

const rankOf = (read: ReadNotification | undefined): number => (read?.kind === 'notice' ? read.notice.rank : -1);
