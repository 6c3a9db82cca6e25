import { afterEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { orderTools } from '../../src/app/orders/assistant/order-tools.ts';
import { cancelOrder } from '../../src/app/orders/cancel-order.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

const dana = userId('discord', 'G1/dana');
const staff = userId('discord', 'G1/boss');
const request = { productId: 'margherita', quantity: 2, address: '10001 Old Town', paymentMethod: 'tok_ok' };

describe('customer cancel (/cancel and the assistant tool)', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('cancels before pickup: refunds in full, releases the stock, says so at once and in the DM', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const id = orderIdFor('discord', 'cancel-1');
    await placeOrder(stack.orders, { orderId: id, user: dana, request });
    await stack.waitForAwaiting(id, 'preparing');
    const accepted = await cancelOrder(stack.orders, { user: dana, isStaff: false }, id);
    expect(accepted.ok && accepted.value.money).toMatch(/payment of 21\.50 EUR will be refunded in full/);
    const order = await stack.waitForStatus(id, 'cancelled');
    await stack.workflow.idle();
    expect(order.history.map((h) => h.status)).toEqual(['received', 'confirmed', 'cancelled']);
    expect((await stack.payments.record(id))?.stage).toBe('refunded');
    expect((await stack.inventory.get('margherita'))?.stock).toBe(5);
    expect(stack.notifier.textsFor(dana).at(-1)).toMatch(
      /You cancelled the order\. Your payment of 21\.50 EUR was refunded/,
    );
    expect((await stack.audit(new Map([['margherita', 5]]), true)).violations).toEqual([]);
  });

  it('is refused once the courier has the order, and for someone else’s order (staff included, through the tool)', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const id = orderIdFor('discord', 'cancel-2');
    await placeOrder(stack.orders, { orderId: id, user: dana, request });
    const tool = orderTools(stack.orders).find((t) => t.name === 'cancel_order');
    const asStaff = await tool?.run({ orderId: id }, { user: staff, isStaff: true });
    expect(asStaff).toEqual({ ok: false, error: expect.stringMatching(/No order/) });

    for (const stage of ['preparing', 'out_for_delivery'] as const) {
      await stack.waitForAwaiting(id, stage);
      expect((await advanceDelivery(stack.orders, { orderRef: id, stage })).ok).toBe(true);
    }
    await stack.waitForStatus(id, 'out_for_delivery');
    const late = await tool?.run({ orderId: id }, { user: dana, isStaff: false });
    expect(late).toEqual({
      ok: false,
      error: expect.stringMatching(/out for delivery: it can no longer be cancelled/),
    });
    expect((await stack.payments.record(id))?.stage).toBe('captured');
  });
});
