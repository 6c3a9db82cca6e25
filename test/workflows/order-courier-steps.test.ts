import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalOrderWorkflow } from '../../adapters/local/local-order-workflow.ts';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { manualCouriers } from '../../src/app/orders/demo-courier.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { type OrderId, userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { OrderStore } from '../../src/ports/order-store.ts';
import { CAUSES } from '../../src/workflows/task-messages.ts';
import { aProduct, type OrderStack, type StackOptions, startOrderStack, testZones } from '../support/order-stack.ts';

const carol = userId('discord', 'carol');
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };
let n = 0;
const nextId = () => orderIdFor('discord', `courier-steps-${++n}`);

/**
 * The merged courier states (ConfirmOrder, MarkPreparing, MarkOutForDelivery): each writes its status and the wait
 * for the next courier report in one write, then waits. Replays, timeouts and failed writes on them.
 */
// Generous: the machine is shared and slow; nothing here asserts on time.
describe('merged courier states', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  let dir: string | undefined;
  const start = async (options: StackOptions = {}) => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })], ...options });
    return stack;
  };
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const report = async (s: OrderStack, id: OrderId, stage: 'preparing' | 'out_for_delivery' | 'delivered') => {
    await s.waitForAwaiting(id, stage);
    expect((await advanceDelivery(s.orders, { orderRef: id, stage })).ok).toBe(true);
  };

  it('a replay after its courier step was reported neither waits again nor sends a second DM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orders-courier-steps-'));
    let s = await start({ path: dir });
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: carol, request });
    await report(s, id, 'preparing');
    const paused = await s.waitForAwaiting(id, 'out_for_delivery');
    expect(s.notifier.textsFor(carol)).toHaveLength(2); // confirmed, being prepared
    await s.close();

    // The restart replays from the start: ConfirmOrder finds "confirmed" applied and "preparing" reported, so it
    // completes at once; MarkPreparing finds its status applied and only waits again, under a fresh token.
    s = await start({ path: dir, reopen: true });
    expect(await s.workflow.resumeUnfinished()).toBe(1);
    const resumed = await s.waitForAwaiting(id, 'out_for_delivery');
    expect(resumed.awaiting?.token).not.toBe(paused.awaiting?.token);
    expect(resumed.history.map((h) => h.status)).toEqual(['received', 'confirmed', 'preparing']);
    await report(s, id, 'out_for_delivery');
    await report(s, id, 'delivered');
    await s.workflow.settled(id);
    const done = await s.store.get(id);
    expect(done?.history.map((h) => h.status)).toEqual([
      'received',
      'confirmed',
      'preparing',
      'out_for_delivery',
      'delivered',
    ]);
    // After the restart only the two new statuses are announced: nothing replayed is announced again.
    expect(s.notifier.textsFor(carol)).toHaveLength(2);
    expect((await s.audit(new Map([['margherita', 5]]), true)).violations).toEqual([]);
  });

  it('a courier that never reports on a merged state: refunded, and the DM names the courier', async () => {
    const s = await start({ courierTimeoutMs: 400 });
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: carol, request });
    await report(s, id, 'preparing');
    await s.workflow.settled(id);
    const order = await s.store.get(id);
    expect(order?.status).toBe('refunded');
    expect(order?.history.map((h) => h.status)).toEqual(['received', 'confirmed', 'preparing', 'refunded']);
    expect(order?.history.at(-1)?.cause).toBe('courier.timeout');
    expect(s.notifier.textsFor(carol).at(-1)).toContain(CAUSES['courier.timeout']);
    expect((await s.payments.record(id))?.stage).toBe('refunded');
    expect((await s.inventory.get('margherita'))?.stock).toBe(5);
  });

  it('a failed status write on a merged state: refunded, and the DM names that step, not the courier', async () => {
    const s = await start({
      stateOverrides: {
        MarkPreparing: async () => {
          throw Object.assign(new Error('disk on fire'), { name: 'StoreBroken' });
        },
      },
    });
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: carol, request });
    await report(s, id, 'preparing');
    await s.workflow.settled(id);
    const order = await s.store.get(id);
    expect(order?.history.map((h) => h.status)).toEqual(['received', 'confirmed', 'refunded']);
    expect(order?.history.at(-1)?.cause).toBe('kitchen.failed');
    const dm = s.notifier.textsFor(carol).at(-1) ?? '';
    expect(dm).toContain(CAUSES['kitchen.failed']);
    expect(dm).not.toMatch(/courier/i);
  });

  it('a status write that hangs on a merged state fails as its own step (the Lambda timeout), not the courier', async () => {
    const s = await start({ courierTimeoutMs: 600_000 });
    // The "preparing" write hangs past the invocation bound, then lands late (a slow store): it must change nothing.
    const slowStore = new Proxy(s.store, {
      get(target, prop) {
        if (prop === 'transition') {
          return async (...args: Parameters<OrderStore['transition']>) => {
            if (args[2].status === 'preparing') await new Promise((r) => setTimeout(r, 1_500));
            return target.transition(...args);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const workflow = new LocalOrderWorkflow({
      deps: {
        orders: slowStore,
        inventory: s.inventory,
        payments: s.payments,
        notices: s.notices.notices,
        couriers: manualCouriers,
        zones: testZones,
        now: () => new Date(),
      },
      log: silentLogger,
      retryDelayMs: 5,
      taskTimeoutMs: 200,
    });
    const deps = { ...s.orders, workflow };
    try {
      const id = nextId();
      await placeOrder(deps, { orderId: id, user: carol, request });
      await s.waitForAwaiting(id, 'preparing');
      expect((await advanceDelivery(deps, { orderRef: id, stage: 'preparing' })).ok).toBe(true);
      await workflow.settled(id);
      await workflow.idle(); // the late write too
      const order = await s.store.get(id);
      expect(order?.history.map((h) => h.status)).toEqual(['received', 'confirmed', 'refunded']);
      expect(order?.history.at(-1)?.cause).toBe('kitchen.failed');
      expect(order?.awaiting).toBeUndefined();
      expect((await s.audit(new Map([['margherita', 5]]), true)).violations).toEqual([]);
    } finally {
      await workflow.stop();
    }
  });

  it('a courier that gives up on a merged state: refunded, and the DM names the courier step', async () => {
    const s = await start();
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: carol, request });
    const waiting = await s.waitForAwaiting(id, 'preparing');
    expect(await s.workflow.failTask(waiting.awaiting?.token ?? '', 'CourierGaveUp', 'Flat tyre.')).toBe(true);
    await s.workflow.settled(id);
    const order = await s.store.get(id);
    expect(order?.status).toBe('refunded');
    expect(order?.history.at(-1)?.cause).toBe('courier.failed');
  });
});
