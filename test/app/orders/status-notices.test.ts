import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../adapters/aws/sns-notifier.ts';
import { DirectNoticePublisher, OutboxNotices, STATUS_RANK } from '../../../src/app/orders/status-notices.ts';
import { type OrderId, type UserId, userId } from '../../../src/domain/ids.ts';
import type { OrderStatus } from '../../../src/domain/orders/order.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { NotifyOutcome } from '../../../src/ports/notifier.ts';
import type { NoticeClaim } from '../../../src/ports/order-store.ts';
import type { NoticeOutbox, NoticePublisher, StatusNotice } from '../../../src/ports/status-notices.ts';
import { MemoryNoticeLedger } from '../../support/memory-notice-ledger.ts';

const NOW = 1_800_000_000_000;
const order = 'ord_0123456789abcdef' as OrderId;
const noticeOf = (status: OrderStatus): StatusNotice => ({
  orderId: order,
  user: userId('web', 'zoe'),
  status,
  rank: STATUS_RANK[status],
  reply: { kind: 'text', title: status, text: status },
  at: new Date(NOW).toISOString(),
});

/** The outbox the announce clears (nothing is swept in these tests). */
const outbox = (): NoticeOutbox & { cleared: string[] } => {
  const cleared: string[] = [];
  return { cleared, pending: async () => [], published: async (_o, status) => void cleared.push(status) };
};

/** A notifier whose outcomes are scripted, one per DM (then `sent`); `throw` throws. */
function scripted(...outcomes: (NotifyOutcome | 'throw')[]) {
  const sent: UserId[] = [];
  return {
    sent,
    notify: async (user: UserId): Promise<NotifyOutcome> => {
      const next = outcomes.shift() ?? 'sent';
      if (next === 'throw') throw new Error('the surface blew up');
      if (next === 'sent') sent.push(user);
      return next;
    },
  };
}

function directStack(notifier: ReturnType<typeof scripted>) {
  const ledger = new MemoryNoticeLedger();
  const claims: number[] = [];
  const claim = ledger.claim.bind(ledger);
  ledger.claim = async (o, rank, until, now) => {
    claims.push(rank);
    return claim(o, rank, until, now);
  };
  const records = outbox();
  const direct = new DirectNoticePublisher({ ledger, outbox: records, notifier, now: () => new Date(NOW) });
  const notices = new OutboxNotices({ publisher: direct, outbox: records, log: silentLogger, backoffMs: 1 });
  /** What the status write does: take the claim in the same write (here: straight into the ledger). */
  const write = (status: OrderStatus): NoticeClaim | undefined => {
    const held = notices.claimOnWrite(STATUS_RANK[status], NOW);
    if (held) ledger.claims.set(order, { ...held });
    return held;
  };
  return { ledger, claims, notices, write };
}

describe('OutboxNotices.claimOnWrite and a held claim', () => {
  it('claims on write only when this process sends the DM itself (not through SNS to a relay)', () => {
    const direct = directStack(scripted()).notices;
    expect(direct.claimOnWrite(2, NOW)).toEqual({ rank: 2, until: NOW + 60_000 });
    const sns = new OutboxNotices({
      publisher: new SnsNotifier(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:123456789012:orders'),
      outbox: outbox(),
      log: silentLogger,
    });
    expect(sns.claimOnWrite(2, NOW)).toBeUndefined();
  });

  it('sends on the held claim without claiming again, then frees it', async () => {
    const notifier = scripted();
    const s = directStack(notifier);
    const held = s.write('preparing');
    await s.notices.announce(noticeOf('preparing'), held);
    expect(notifier.sent).toHaveLength(1);
    expect(s.claims).toEqual([]);
    expect(s.ledger.shownRank.get(order)).toBe(2);
    expect(s.ledger.claims.has(order)).toBe(false);
  });

  it('passes the held claim to the first try only', async () => {
    const helds: (NoticeClaim | undefined)[] = [];
    const publisher: NoticePublisher = {
      publish: async (_notice, _signal, held) => {
        helds.push(held);
        return helds.length === 3;
      },
    };
    const notices = new OutboxNotices({ publisher, outbox: outbox(), log: silentLogger, backoffMs: 1 });
    const held = { rank: 1, until: NOW + 60_000 };
    await notices.announce(noticeOf('confirmed'), held);
    expect(helds).toEqual([held, undefined, undefined]);
  });

  it('a DM that failed releases the held claim; the retry claims as usual and sends once', async () => {
    const notifier = scripted('failed');
    const s = directStack(notifier);
    await s.notices.announce(noticeOf('confirmed'), s.write('confirmed'));
    expect(s.claims).toEqual([1]);
    expect(notifier.sent).toHaveLength(1);
    expect(s.ledger.shownRank.get(order)).toBe(1);
  });

  it('a DM that threw keeps the claim: the retries find it busy (a DM may be on its way), as before', async () => {
    const notifier = scripted('throw');
    const s = directStack(notifier);
    await s.notices.announce(noticeOf('confirmed'), s.write('confirmed'));
    expect(s.claims).toEqual([1, 1]);
    expect(notifier.sent).toHaveLength(0);
    expect(s.ledger.claims.get(order)?.rank).toBe(1);
  });

  it('a held claim for another rank, or one already expired, is not trusted: the ledger is asked', async () => {
    const notifier = scripted();
    const s = directStack(notifier);
    await s.notices.announce(noticeOf('confirmed'), { rank: 2, until: NOW + 60_000 });
    await s.notices.announce(noticeOf('preparing'), { rank: 2, until: NOW - 1 });
    expect(s.claims).toEqual([1, 2]);
    expect(notifier.sent).toHaveLength(2);
  });
});
