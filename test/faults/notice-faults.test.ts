import { afterEach, describe, expect, it } from 'vitest';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { type OrderId, userId } from '../../src/domain/ids.ts';
import type { Order } from '../../src/domain/orders/order.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import type { NoticePublisher, StatusNotice } from '../../src/ports/status-notices.ts';
import { type OrderStack, startOrderStack } from '../support/order-stack.ts';
import { checkNoticeInvariants } from './notice-check.ts';

/**
 * Status DMs under publisher faults, on the embedded stack (dynalite, the local runner, the outbox and the ledger on
 * the order items): after recovery (the outbox sweep), every status DM is shown once per (order, status), in rank
 * order, and none is lost. A fault wraps the publisher the workflow's announce calls; the sweep runs a clean one,
 * as the next process (or the next sweep) would. A wrapper stands for a remote relay: it offers no `claimOnWrite`, so
 * these runs claim per publish as the cloud does (the status write's own claim is covered by notice-claim-on-write).
 */
type Wrap = (inner: NoticePublisher) => NoticePublisher;
const never = () => new Promise<boolean>(() => {});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `exact`: nothing is delayed past a later status, so all four DMs after "received" are shown. Otherwise a status
 * whose publish was held up may be overtaken by a newer one, and is then dropped on purpose (old news).
 */
const FAULTS: Record<string, { wrap: Wrap; exact: boolean }> = {
  // Every publish of a status fails three times (the announce's tries are used up; the sweep sends it).
  throws: {
    wrap: (inner) => {
      const failures = new Map<string, number>();
      return {
        publish: async (notice, signal) => {
          const key = `${notice.orderId}:${notice.status}`;
          const n = failures.get(key) ?? 0;
          failures.set(key, n + 1);
          if (n < 3) throw Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' });
          return inner.publish(notice, signal);
        },
      };
    },
    exact: false,
  },
  // The first try of each status never answers (the announce gives up after its timeout and tries again).
  times_out: {
    wrap: (inner) => {
      const seen = new Set<string>();
      return {
        publish: (notice, signal) => {
          const key = `${notice.orderId}:${notice.status}`;
          if (seen.has(key)) return inner.publish(notice, signal);
          seen.add(key);
          return never();
        },
      };
    },
    exact: true,
  },
  // A publish that lands but answers too late: the retry publishes a copy, which the ledger drops.
  lands_late: {
    wrap: (inner) => ({
      publish: async (notice, signal) => {
        await inner.publish(notice, signal);
        await sleep(300);
        return true;
      },
    }),
    exact: true,
  },
  // The process dies after the status write, before any publish: nothing of this process publishes "preparing".
  crash_after_write: {
    wrap: (inner) => ({
      publish: (notice, signal) => (notice.status === 'preparing' ? never() : inner.publish(notice, signal)),
    }),
    exact: false,
  },
  // Every notice is delivered twice, at once (SNS and SQS are at-least-once).
  duplicate: {
    wrap: (inner) => ({
      publish: async (notice, signal) => {
        const [a, b] = await Promise.all([inner.publish(notice, signal), inner.publish(notice, signal)]);
        return a || b;
      },
    }),
    exact: true,
  },
};

/** Accepted at once (as SNS would), delivered later with each order's notices in reverse order (as SQS may). */
function reordering(): { wrap: Wrap; flush: () => Promise<void> } {
  const held: { notice: StatusNotice; inner: NoticePublisher }[] = [];
  return {
    wrap: (inner) => ({
      publish: async (notice) => {
        held.push({ notice, inner });
        return true;
      },
    }),
    flush: async () => {
      for (const { notice, inner } of held.reverse()) {
        // A redelivery until the ledger answers (a `busy` claim comes back later).
        while (!(await inner.publish(notice, new AbortController().signal))) await sleep(20);
      }
    },
  };
}

describe('status DM faults (embedded stack)', { timeout: 240_000 }, () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const run = async (wrap: Wrap, after?: () => Promise<void>) => {
    stack = await startOrderStack({
      courierDelays: { preparing: 5, out_for_delivery: 5, delivered: 5 },
      wrapPublisher: wrap,
      publishTimeoutMs: 150,
    });
    const s = stack;
    const ids: OrderId[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const id = orderIdFor('web', `notice-fault-${i}`);
        ids.push(id);
        const placed = await placeOrder(s.orders, {
          orderId: id,
          user: userId('web', `u${i}`),
          request: { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' },
        });
        expect(placed.ok).toBe(true);
      }),
    );
    for (const id of ids) await s.waitForStatus(id, 'delivered');
    await s.workflow.idle();
    await after?.();
    // The next sweep (as the periodic one, or the next process at start), with a publisher that works.
    const clean = startOrderStackSweep(s);
    await clean();
    const orders = (await Promise.all(ids.map((id) => s.store.get(id)))).filter((o): o is Order => o !== undefined);
    return { orders, shown: s.notifier.sent.map((m) => m.reply), pending: await s.notices.records.pending('9999') };
  };

  for (const [name, fault] of Object.entries(FAULTS)) {
    it(`publish fault "${name}": every status shown exactly once, in order, none lost, outbox empty`, async () => {
      const { orders, shown, pending } = await run(fault.wrap);
      expect(checkNoticeInvariants(orders, shown)).toEqual([]);
      if (fault.exact) expect(shown).toHaveLength(orders.length * 4);
      else expect(shown.length).toBeGreaterThanOrEqual(orders.length);
      expect(pending).toEqual([]);
    });
  }

  it('reordered delivery: an older status arriving after a newer one is dropped, the newest is always shown', async () => {
    const reorder = reordering();
    const { orders, shown, pending } = await run(reorder.wrap, reorder.flush);
    expect(checkNoticeInvariants(orders, shown)).toEqual([]);
    // Reversed: "delivered" comes first and everything older is dropped.
    expect(shown).toHaveLength(orders.length);
    expect(shown.every((r) => r.kind === 'text' && r.title === 'Order delivered')).toBe(true);
    expect(pending).toEqual([]);
  });
});

/** A sweep through a fresh, fault-free announce over the same store (what a restarted process runs). */
function startOrderStackSweep(stack: OrderStack): () => Promise<number> {
  return async () => {
    let swept = 0;
    for (let round = 0; round < 5; round += 1) {
      const pending = await stack.notices.records.pending('9999');
      if (pending.length === 0) return swept;
      swept += await stack.cleanSweep();
      await sleep(50);
    }
    return swept;
  };
}
