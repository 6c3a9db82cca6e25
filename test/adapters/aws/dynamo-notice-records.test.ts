import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNoticeRecords } from '../../../adapters/aws/dynamo-notice-records.ts';
import { type DeliverDeps, deliverNotice, STATUS_RANK } from '../../../src/app/orders/status-notices.ts';
import { type OrderId, userId } from '../../../src/domain/ids.ts';
import { type Order, type OrderStatus, PREDECESSORS } from '../../../src/domain/orders/order.ts';
import type { StatusNotice } from '../../../src/ports/status-notices.ts';
import { anOrderRecord } from '../../support/order-fixtures.ts';
import { type OrderStack, RecordingNotifier, startOrderStack, TABLES } from '../../support/order-stack.ts';

const NOW = 1_800_000_000_000;
const LEASE = 60_000;
let orders = 0;

const anOrder = (id: OrderId): Order => anOrderRecord(id);

const noticeOf = (id: OrderId, status: OrderStatus): StatusNotice => ({
  orderId: id,
  user: userId('web', 'zoe'),
  status,
  rank: STATUS_RANK[status],
  reply: { kind: 'text', title: status, text: `${id} is ${status}` },
  at: '2026-11-24T10:01:00.000Z',
});

/** The ledger and outbox fields of the order's item, read back as stored. */
interface Ledger {
  readonly noticeShown?: number;
  readonly noticeClaim?: { readonly rank: number; readonly until: number };
  readonly unsent: string[];
}

describe('DynamoNoticeRecords: the ledger conditions (dynalite)', { timeout: 60_000 }, () => {
  let s: OrderStack;
  let records: DynamoNoticeRecords;
  beforeAll(async () => {
    s = await startOrderStack();
    records = new DynamoNoticeRecords(s.doc, TABLES.orders);
  });
  afterAll(async () => {
    await s.close();
  });

  const ledgerOf = async (id: OrderId): Promise<Ledger> => {
    const out = await s.doc.send(
      new GetCommand({ TableName: TABLES.orders, Key: { orderId: id }, ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    return {
      ...(typeof item.noticeShown === 'number' ? { noticeShown: item.noticeShown } : {}),
      ...(item.noticeClaim ? { noticeClaim: item.noticeClaim as Ledger['noticeClaim'] & object } : {}),
      unsent: item.unsent instanceof Set ? [...item.unsent].map(String).sort() : [],
    };
  };

  /** A fresh order moved to `status` (its notice pending), with a claim written by the status write when given. */
  const orderAt = async (statuses: readonly OrderStatus[], claimLast = false): Promise<OrderId> => {
    const id = `ord_ledger${++orders}` as OrderId;
    await s.store.create(anOrder(id));
    for (const [i, status] of statuses.entries()) {
      const also = claimLast && i === statuses.length - 1 ? { noticeClaim: claimOf(status) } : {};
      const state =
        status === 'confirmed' || status === 'preparing' || status === 'out_for_delivery' || status === 'delivered'
          ? { status, chargeId: 'ch_1' }
          : { status: 'failed' as const, reason: 'x' };
      const entry = { status: state.status, at: `2026-11-24T10:0${i + 1}:00.000Z` };
      expect(await s.store.transition(id, PREDECESSORS[state.status], state, entry, also)).toBe(true);
    }
    return id;
  };
  const claimOf = (status: OrderStatus) => ({ rank: STATUS_RANK[status], until: NOW + LEASE });

  it('shown: raises the rank, removes its own claim and clears its outbox record in one write', async () => {
    const id = await orderAt(['confirmed']);
    expect(await records.claim(id, 1, NOW + LEASE, NOW)).toBe('claimed');
    await records.shown(id, 1, 'confirmed');
    expect(await ledgerOf(id)).toEqual({ noticeShown: 1, unsent: [] });
    // Any copy now finds it shown.
    expect(await records.claim(id, 1, NOW + LEASE, NOW)).toBe('shown');
  });

  it('a status write’s claim replaces an older relay’s: the older shown records itself, the newer claim stays', async () => {
    const id = await orderAt(['confirmed']);
    // A relay holds "confirmed" and is sending its DM ...
    expect(await records.claim(id, 1, NOW + LEASE, NOW)).toBe('claimed');
    // ... when "preparing" is written with its own claim (this process sends that DM itself).
    const preparing = { status: 'preparing' as const, chargeId: 'ch_1' };
    const entry = { status: 'preparing' as const, at: '2026-11-24T10:02:00.000Z' };
    expect(
      await s.store.transition(id, PREDECESSORS.preparing, preparing, entry, { noticeClaim: claimOf('preparing') }),
    ).toBe(true);
    expect((await ledgerOf(id)).noticeClaim).toEqual(claimOf('preparing'));

    await records.shown(id, 1, 'confirmed');
    // "confirmed" is recorded shown and out of the outbox, the newer claim untouched.
    expect(await ledgerOf(id)).toEqual({ noticeShown: 1, noticeClaim: claimOf('preparing'), unsent: ['preparing'] });
    // The older relay's release (had its DM failed) would not free the newer claim either.
    await records.release(id, 1);
    expect((await ledgerOf(id)).noticeClaim).toEqual(claimOf('preparing'));
    // Copies: "confirmed" again is old news; "preparing" from elsewhere waits for the holder.
    expect(await records.claim(id, 1, NOW + LEASE, NOW)).toBe('shown');
    expect(await records.claim(id, 2, NOW + LEASE, NOW)).toBe('busy');
    // The holder records "preparing": its own claim goes.
    await records.shown(id, 2, 'preparing');
    expect(await ledgerOf(id)).toEqual({ noticeShown: 2, unsent: [] });
  });

  it('an older notice recorded after a newer one was shown: the rank stays, only its outbox record goes', async () => {
    const id = await orderAt(['confirmed', 'preparing', 'out_for_delivery'], true);
    await records.shown(id, 3, 'out_for_delivery');
    expect(await ledgerOf(id)).toEqual({ noticeShown: 3, unsent: ['confirmed', 'preparing'] });
    await records.shown(id, 1, 'confirmed');
    expect(await ledgerOf(id)).toEqual({ noticeShown: 3, unsent: ['preparing'] });
    // With a newer claim present too (the status write of "delivered"), nothing else changes.
    const delivered = { status: 'delivered' as const, chargeId: 'ch_1' };
    const entry = { status: 'delivered' as const, at: '2026-11-24T10:09:00.000Z' };
    await s.store.transition(id, PREDECESSORS.delivered, delivered, entry, { noticeClaim: claimOf('delivered') });
    await records.shown(id, 2, 'preparing');
    expect(await ledgerOf(id)).toEqual({ noticeShown: 3, noticeClaim: claimOf('delivered'), unsent: ['delivered'] });
  });

  it('shown on an order that does not exist writes nothing', async () => {
    const id = 'ord_ledgermissing' as OrderId;
    await records.shown(id, 1, 'confirmed');
    const out = await s.doc.send(new GetCommand({ TableName: TABLES.orders, Key: { orderId: id } }));
    expect(out.Item).toBeUndefined();
  });

  describe('deliverNotice with the claim the status write took', () => {
    const deps = (notifier = new RecordingNotifier()): DeliverDeps & { notifier: RecordingNotifier } => ({
      ledger: records,
      notifier,
      now: () => new Date(NOW + 1_000),
      leaseMs: LEASE,
    });

    it('sends without claiming again, records it shown and frees the claim', async () => {
      const id = await orderAt(['confirmed'], true);
      const d = deps();
      expect(await deliverNotice(d, noticeOf(id, 'confirmed'), { clearOutbox: true, held: claimOf('confirmed') })).toBe(
        'shown',
      );
      expect(d.notifier.sent).toHaveLength(1);
      expect(await ledgerOf(id)).toEqual({ noticeShown: 1, unsent: [] });
    });

    it('without the held claim, a copy finds the claim busy (today’s retry after a failed or timed-out try)', async () => {
      const id = await orderAt(['confirmed'], true);
      const d = deps();
      expect(await deliverNotice(d, noticeOf(id, 'confirmed'), { clearOutbox: true })).toBe('retry');
      expect(d.notifier.sent).toHaveLength(0);
      // An expired held claim is not trusted either: it claims as any copy would.
      const stale = { rank: 1, until: NOW };
      expect(await deliverNotice(d, noticeOf(id, 'confirmed'), { clearOutbox: true, held: stale })).toBe('retry');
      expect(d.notifier.sent).toHaveLength(0);
    });

    it('the older relay and the status write’s holder each show their DM once, the newer claim survives', async () => {
      const id = await orderAt(['confirmed']);
      const relay = deps();
      const local = deps();
      // The relay claims "confirmed"; its DM is slow.
      let finish: (v: 'sent') => void = () => {};
      relay.notifier.notify = async (user, reply) => {
        relay.notifier.sent.push({ user, reply });
        return new Promise((r) => {
          finish = r;
        });
      };
      const older = deliverNotice(relay, noticeOf(id, 'confirmed'), { clearOutbox: true });
      for (let i = 0; i < 100 && relay.notifier.sent.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
      expect(relay.notifier.sent).toHaveLength(1);
      // "preparing" is written with its claim, replacing the relay's.
      const preparing = { status: 'preparing' as const, chargeId: 'ch_1' };
      const entry = { status: 'preparing' as const, at: '2026-11-24T10:02:00.000Z' };
      await s.store.transition(id, PREDECESSORS.preparing, preparing, entry, { noticeClaim: claimOf('preparing') });
      // The older DM lands: recorded, and the claim of "preparing" is still held.
      finish('sent');
      expect(await older).toBe('shown');
      expect(await ledgerOf(id)).toEqual({ noticeShown: 1, noticeClaim: claimOf('preparing'), unsent: ['preparing'] });
      // A copy of "preparing" (the sweep) cannot send a second DM while the holder sends its own.
      expect(await deliverNotice(deps(), noticeOf(id, 'preparing'), { clearOutbox: true })).toBe('retry');
      expect(
        await deliverNotice(local, noticeOf(id, 'preparing'), { clearOutbox: true, held: claimOf('preparing') }),
      ).toBe('shown');
      expect(local.notifier.sent).toHaveLength(1);
      expect(await ledgerOf(id)).toEqual({ noticeShown: 2, unsent: [] });
      // Late copies of either are dropped.
      expect(await deliverNotice(deps(), noticeOf(id, 'confirmed'), { clearOutbox: true })).toBe('skipped');
      expect(await deliverNotice(deps(), noticeOf(id, 'preparing'), { clearOutbox: true })).toBe('skipped');
    });
  });
});
