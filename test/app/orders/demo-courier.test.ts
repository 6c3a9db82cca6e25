import { afterEach, describe, expect, it } from 'vitest';
import { type CourierReport, DemoCourier } from '../../../src/app/orders/demo-courier.ts';
import type { OrderId } from '../../../src/domain/ids.ts';
import type { CourierStage } from '../../../src/domain/orders/order.ts';
import { silentLogger } from '../../../src/ports/logger.ts';

const order = 'ord_aaaaaaaaaaaaaaaa' as OrderId;
const noDelay = { preparing: 0, out_for_delivery: 0, delivered: 0 };

/** Records what the courier did; `known` is the set of tokens a workflow still waits on. */
function recording(known: ReadonlySet<string>) {
  const calls: string[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const report: CourierReport = {
    async complete(token: string, stage: CourierStage) {
      calls.push(`complete ${token} ${stage}`);
      const ok = known.has(token);
      if (ok) done();
      return ok;
    },
    async advance(id: OrderId, stage: CourierStage) {
      calls.push(`advance ${id} ${stage}`);
      done();
    },
  };
  return { calls, report, finished };
}

describe('DemoCourier', () => {
  let courier: DemoCourier | undefined;
  afterEach(() => courier?.stop());

  it('completes the waiting task with the token it was handed, without the /deliver path (no read of the order)', async () => {
    const { calls, report, finished } = recording(new Set(['tok-1']));
    courier = new DemoCourier(noDelay, silentLogger);
    courier.connect(report);
    courier.requested(order, 'preparing', 'tok-1');
    await finished;
    expect(calls).toEqual(['complete tok-1 preparing']);
  });

  it('falls back to the /deliver path when nothing waits on the token any more (e.g. after a restart)', async () => {
    const { calls, report, finished } = recording(new Set());
    courier = new DemoCourier(noDelay, silentLogger);
    courier.connect(report);
    courier.requested(order, 'out_for_delivery', 'stale');
    await finished;
    expect(calls).toEqual(['complete stale out_for_delivery', `advance ${order} out_for_delivery`]);
  });

  it('goes straight to the /deliver path without a token', async () => {
    const { calls, report, finished } = recording(new Set());
    courier = new DemoCourier(noDelay, silentLogger);
    courier.connect(report);
    courier.requested(order, 'delivered', '');
    await finished;
    expect(calls).toEqual([`advance ${order} delivered`]);
  });

  it('reports nothing once stopped', async () => {
    const { calls, report } = recording(new Set(['tok-1']));
    courier = new DemoCourier({ ...noDelay, preparing: 20 }, silentLogger);
    courier.connect(report);
    courier.requested(order, 'preparing', 'tok-1');
    courier.stop();
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual([]);
  });
});
