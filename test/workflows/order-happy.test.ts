import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { type OrderStack, startOrderStack } from '../support/order-stack.ts';

const alice = userId('discord', 'alice');
const request = {
  productId: 'margherita',
  quantity: 2,
  address: 'Main street 1, 10001 Old Town',
  paymentMethod: 'tok_ok',
};

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('order workflow on dynalite + the local runner', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  beforeEach(async () => {
    stack = await startOrderStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it('goes received -> confirmed -> preparing -> out for delivery -> delivered, notifying each step', async () => {
    const id = orderIdFor('discord', 'interaction-1');
    const placed = await placeOrder(stack.orders, { orderId: id, user: alice, request });
    expect(placed.ok).toBe(true);
    await stack.waitForStatus(id, 'confirmed');
    for (const stage of ['preparing', 'out_for_delivery', 'delivered'] as const) {
      await stack.waitForAwaiting(id, stage);
      const advanced = await advanceDelivery(stack.orders, { orderRef: id, stage });
      expect(advanced.ok).toBe(true);
      await stack.waitForStatus(id, stage);
    }
    await stack.workflow.settled(id);
    const order = await stack.store.get(id);
    expect(order?.history.map((h) => h.status)).toEqual([
      'received',
      'confirmed',
      'preparing',
      'out_for_delivery',
      'delivered',
    ]);
    expect(order?.price).toEqual({
      unitPriceCents: 950,
      quantity: 2,
      itemsCents: 1900,
      deliveryCents: 250,
      totalCents: 2150,
    });
    expect(stack.notifier.textsFor(alice)).toHaveLength(4);
    expect((await stack.inventory.get('margherita'))?.stock).toBe(98);
    expect((await stack.payments.record(id))?.stage).toBe('captured');
  });
});
