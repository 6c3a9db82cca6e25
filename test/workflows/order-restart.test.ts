import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

const bob = userId('discord', 'bob');
const request = { productId: 'margherita', quantity: 3, address: '10001 Old Town', paymentMethod: 'tok_ok' };

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('restart in the middle (dynalite on disk)', { timeout: 120_000 }, () => {
  let dir: string;
  let stack: OrderStack | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orders-restart-'));
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('an order paused on a courier step resumes after a restart and finishes, charged once', async () => {
    stack = await startOrderStack({ path: dir, products: [aProduct({ stock: 10 })] });
    const id = orderIdFor('discord', 'restart-1');
    await placeOrder(stack.orders, { orderId: id, user: bob, request });
    const before = await stack.waitForAwaiting(id, 'preparing');
    await stack.close();

    stack = await startOrderStack({ path: dir, reopen: true });
    expect(await stack.workflow.resumeUnfinished()).toBe(1);
    for (const stage of ['preparing', 'out_for_delivery', 'delivered'] as const) {
      await stack.waitForAwaiting(id, stage);
      expect((await advanceDelivery(stack.orders, { orderRef: id, stage })).ok).toBe(true);
    }
    const done = await stack.waitForStatus(id, 'delivered');
    await stack.workflow.settled(id);
    expect(done.status === 'delivered' && done.chargeId).toBe(before.status === 'confirmed' && before.chargeId);
    expect(done.history.map((h) => h.status)).toEqual([
      'received',
      'confirmed',
      'preparing',
      'out_for_delivery',
      'delivered',
    ]);
    expect((await stack.inventory.get('margherita'))?.stock).toBe(7);
    // One confirmation message before the restart, three courier steps after: no message repeated.
    expect(stack.notifier.textsFor(bob)).toHaveLength(3);
  });

  it('a crash between reserving stock and capturing replays without reserving or charging twice', async () => {
    let charging!: () => void;
    const reached = new Promise<void>((resolve) => {
      charging = resolve;
    });
    stack = await startOrderStack({
      path: dir,
      products: [aProduct({ stock: 10 })],
      stateOverrides: {
        // The process "dies" here: the task never returns.
        CapturePayment: () => {
          charging();
          return new Promise(() => {});
        },
      },
    });
    const id = orderIdFor('discord', 'restart-2');
    await placeOrder(stack.orders, { orderId: id, user: bob, request });
    await reached;
    expect((await stack.inventory.get('margherita'))?.stock).toBe(7);
    expect((await stack.payments.record(id))?.stage).toBe('authorized');
    await stack.close();

    stack = await startOrderStack({ path: dir, reopen: true });
    await stack.workflow.resumeUnfinished();
    await stack.waitForAwaiting(id, 'preparing');
    expect((await stack.inventory.get('margherita'))?.stock).toBe(7);
    expect((await stack.payments.record(id))?.stage).toBe('captured');
    // Placing the same interaction again after the restart answers with the same order.
    const again = await placeOrder(stack.orders, { orderId: id, user: bob, request });
    expect(again.ok && again.value.repeated).toBe(true);
    expect((await stack.inventory.get('margherita'))?.stock).toBe(7);
  });
});
