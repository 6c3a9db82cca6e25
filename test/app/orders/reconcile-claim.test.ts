import { describe, expect, it } from 'vitest';
import { reconcileOrders } from '../../../src/app/orders/reconcile-orders.ts';
import type { Order } from '../../../src/domain/orders/order.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { NoticeClaim, TransitionExtras } from '../../../src/ports/order-store.ts';
import type { StatusNotice, StatusNotices } from '../../../src/ports/status-notices.ts';
import { anOrderRecord } from '../../support/order-fixtures.ts';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const order = anOrderRecord('ord_0123456789abcdef', {
  createdAt: '2026-12-04T11:00:00.000Z',
  eta: '2026-12-04T11:35:00.000Z',
  status: 'confirmed',
  chargeId: 'ch_1',
  history: [{ status: 'received', at: '2026-12-04T11:00:00.000Z' }],
} as Partial<Order>);

/** The reconciler hands an order to staff: its status write takes the notice's claim exactly as `move()` does. */
async function giveUp(claimOnWrite: (rank: number, nowMs: number) => NoticeClaim | undefined, applies = true) {
  const written: (TransitionExtras | undefined)[] = [];
  const announced: { notice: StatusNotice; held: NoticeClaim | undefined }[] = [];
  const notices: StatusNotices = {
    claimOnWrite,
    announce: async (notice, held) => void announced.push({ notice, held }),
  };
  const report = await reconcileOrders(
    {
      store: {
        listUnfinished: async () => [order],
        transition: async (_id, _from, _next, _entry, also) => {
          written.push(also);
          return applies;
        },
      },
      executions: {
        state: async () => ({ status: 'ended', redrivable: false, attempts: 5, ref: 'x' }),
        redrive: async () => {},
        restart: async () => 'started',
      },
      notices,
      now: () => new Date(NOW),
      log: silentLogger,
    },
    { staleReceivedMs: 0, maxAttempts: 5 },
  );
  return { report, written, announced };
}

describe('reconciler hand-off to staff and the notice claim', () => {
  it('one machine: the status write carries the claim, the announce holds it', async () => {
    const { report, written, announced } = await giveUp((rank, nowMs) => ({ rank, until: nowMs + 60_000 }));
    expect(report.gaveUp).toBe(1);
    const claim = { rank: 4, until: NOW + 60_000 };
    expect(written).toEqual([{ noticeClaim: claim }]);
    expect(announced.map((a) => [a.notice.status, a.held])).toEqual([['needs_attention', claim]]);
  });

  it('cloud (a remote relay): no claim written, none held', async () => {
    const { written, announced } = await giveUp(() => undefined);
    expect(written).toEqual([{}]);
    expect(announced.map((a) => a.held)).toEqual([undefined]);
  });

  it('a write that did not apply announces nothing', async () => {
    const { announced } = await giveUp((rank, nowMs) => ({ rank, until: nowMs + 60_000 }), false);
    expect(announced).toEqual([]);
  });
});
