import { afterEach, describe, expect, it } from 'vitest';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

describe('50 simultaneous orders for a product with stock 10', () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
  });

  it('confirms exactly 10, tells 40 it is unavailable, and ends with stock 0', { timeout: 180_000 }, async () => {
    const s = await startOrderStack({ products: [aProduct({ id: 'ramen', name: 'Ramen', stock: 10 })] });
    stack = s;
    const ids = Array.from({ length: 50 }, (_, i) => orderIdFor('web', `rush-${i}`));
    const placed = await Promise.all(
      ids.map((orderId, i) =>
        placeOrder(s.orders, {
          orderId,
          user: userId('web', `user-${i}`),
          request: { productId: 'ramen', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' },
        }),
      ),
    );
    expect(placed.every((p) => p.ok)).toBe(true);
    // Every order sends exactly one message when it leaves `received` (confirmed or unavailable). Waiting on the
    // in-memory notifier keeps the store free of polling load.
    for (let i = 0; s.notifier.sent.length < 50; i++) {
      if (i > 6000) throw new Error(`only ${s.notifier.sent.length} of 50 orders left received`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const finals = await Promise.all(ids.map(async (id) => (await s.store.get(id))?.status));
    expect(finals.filter((f) => f === 'confirmed')).toHaveLength(10);
    expect(finals.filter((f) => f === 'unavailable')).toHaveLength(40);
    expect((await s.inventory.get('ramen'))?.stock).toBe(0);
    const unavailableMessages = s.notifier.sent.filter(
      (m) => m.reply.kind === 'text' && /unavailable/.test(m.reply.text ?? ''),
    );
    expect(unavailableMessages).toHaveLength(40);
  });
});
