import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

const carol = userId('discord', 'G1/carol');
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stock = (n: number) => new Map([['margherita', n]]);

// The bugs reproduced in issue #11, each as it was found. Generous timeouts: the machine is shared and slow.
describe('order races (issue #11)', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('a charge that lands after its timeout and the compensation is refused: no charge on a failed order', async () => {
    let late: Promise<unknown> | undefined;
    stack = await startOrderStack({
      products: [aProduct({ stock: 5 })],
      taskTimeoutMs: 150,
      around: (state, _input, run) => {
        if (state !== 'ChargePayment') return run();
        late = sleep(600).then(run);
        return late as never;
      },
    });
    const id = orderIdFor('discord', 'race-late-charge');
    await placeOrder(stack.orders, { orderId: id, user: carol, request });
    const order = await stack.waitForStatus(id, 'failed');
    await late?.catch(() => {});
    await stack.workflow.idle();
    expect(order.status === 'failed' && order.reason).toBe('The payment step took too long.');
    expect((await stack.payments.record(id))?.stage).toBe('cancelled');
    const [dm] = stack.notifier.textsFor(carol);
    expect(dm).toMatch(/payment step took too long\. Nothing was charged/);
    expect(dm).not.toMatch(/courier/);
    expect((await stack.audit(stock(5), true)).violations).toEqual([]);
  });

  it('a crash between the refund and MarkRefunded finishes the refund on restart (not delivered for free)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orders-race-'));
    let crashed = false;
    stack = await startOrderStack({
      path: dir,
      products: [aProduct({ stock: 5 })],
      around: (state, _input, run) => {
        if (state !== 'MarkRefunded' || crashed) return run();
        crashed = true;
        stack?.workflow.crash();
        return Promise.reject(Object.assign(new Error('process died'), { name: 'Shutdown' }));
      },
    });
    const id = orderIdFor('discord', 'race-crash-refund');
    await placeOrder(stack.orders, { orderId: id, user: carol, request });
    const waiting = await stack.waitForAwaiting(id, 'preparing');
    await stack.workflow.failTask(waiting.awaiting?.token ?? '', 'CourierGaveUp', 'The kitchen closed.');
    while (!crashed) await sleep(20);
    expect((await stack.payments.record(id))?.stage).toBe('refunded');
    expect((await stack.store.get(id))?.status).toBe('confirmed');
    await stack.close();

    stack = await startOrderStack({ path: dir, reopen: true });
    await stack.workflow.resumeUnfinished();
    const order = await stack.waitForStatus(id, 'refunded');
    await stack.workflow.idle();
    expect(order.history.map((h) => h.status)).toEqual(['received', 'confirmed', 'refunded']);
    expect((await stack.inventory.get('margherita'))?.stock).toBe(5);
    expect((await stack.audit(stock(5), true)).violations).toEqual([]);
  });

  it('a failure after "delivered" never refunds: the order waits for staff, the charge stays', async () => {
    stack = await startOrderStack({
      products: [aProduct({ stock: 5 })],
      around: async (state, _input, run) => {
        const out = await run();
        if (state === 'MarkDelivered') throw Object.assign(new Error('settle failed'), { name: 'StoreBroken' });
        return out;
      },
    });
    const id = orderIdFor('discord', 'race-delivered');
    await placeOrder(stack.orders, { orderId: id, user: carol, request });
    for (const stage of ['preparing', 'out_for_delivery', 'delivered'] as const) {
      await stack.waitForAwaiting(id, stage);
      expect((await advanceDelivery(stack.orders, { orderRef: id, stage })).ok).toBe(true);
    }
    await stack.waitForStatus(id, 'delivered');
    await stack.workflow.idle();
    expect((await stack.store.get(id))?.status).toBe('delivered');
    expect((await stack.payments.record(id))?.stage).toBe('captured');
    expect((await stack.audit(stock(5), true)).violations).toEqual([]);
  });

  it('a workflow that fails to start after the row is written is started by the reconciler', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const id = orderIdFor('discord', 'race-start-fails');
    const broken = {
      ...stack.orders,
      workflow: {
        ...stack.orders.workflow,
        start: async () => {
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        },
        completeTask: stack.workflow.completeTask.bind(stack.workflow),
        failTask: stack.workflow.failTask.bind(stack.workflow),
      },
    };
    const placed = await placeOrder(broken, { orderId: id, user: carol, request });
    expect(placed.ok).toBe(true);
    expect((await stack.store.get(id))?.status).toBe('received');
    expect(await stack.workflow.resumeUnfinished()).toBe(1);
    await stack.waitForAwaiting(id, 'preparing');
    expect((await stack.payments.record(id))?.stage).toBe('captured');
  });
});
