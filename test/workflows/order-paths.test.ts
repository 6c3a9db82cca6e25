import { afterEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { changeAddress } from '../../src/app/orders/change-address.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { aProduct, type OrderStack, type StackOptions, startOrderStack } from '../support/order-stack.ts';

const alice = userId('slack', 'T1/alice');
const base = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };
let n = 0;
const nextId = () => orderIdFor('slack', `paths-${++n}`);

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('order workflow paths', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  const start = async (options: StackOptions = {}) => {
    stack = await startOrderStack(options);
    return stack;
  };
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('out of stock, lost in a race for the last unit: the authorization is voided, unavailable, nothing charged', async () => {
    // Both pass /order's stock check (one unit left when each asked); the reservation decides: one is turned away.
    const s = await start({ products: [aProduct({ stock: 1 })] });
    const bob = userId('slack', 'T1/bob');
    const [first, second] = [nextId(), nextId()];
    const placed = await Promise.all([
      placeOrder(s.orders, { orderId: first, user: alice, request: base }),
      placeOrder(s.orders, { orderId: second, user: bob, request: base }),
    ]);
    expect(placed.every((p) => p.ok)).toBe(true);
    // Each order leaves `received` with exactly one DM (confirmed or unavailable).
    for (let i = 0; s.notifier.sent.length < 2; i++) {
      if (i > 4000) throw new Error('the two orders never left received');
      await new Promise((r) => setTimeout(r, 15));
    }
    const lost = (await s.store.get(first))?.status === 'unavailable' ? first : second;
    const loser = lost === first ? alice : bob;
    await s.waitForStatus(lost === first ? second : first, 'confirmed');
    const order = await s.waitForStatus(lost, 'unavailable');
    expect(order.history.map((h) => h.status)).toEqual(['received', 'unavailable']);
    expect((await s.payments.record(lost))?.stage).toBe('voided');
    expect((await s.inventory.get('margherita'))?.stock).toBe(0);
    const [dm] = s.notifier.textsFor(loser);
    expect(dm).toMatch(/Not enough Pizza Margherita in stock\. The hold on your card was released/);
    expect(dm).not.toMatch(/delivery zones|courier/);
    // The DM carries the cause's stable code, the same one the history records.
    const sent = s.notifier.sent.find((m) => m.user === loser);
    expect(sent?.reply.kind === 'text' && sent.reply.footer).toBe('Cause: order.out_of_stock');
    expect(order.history.at(-1)?.cause).toBe('order.out_of_stock');
  });

  it('declined by the bank when charged: releases the stock, one DM naming the payment, ends', async () => {
    const s = await start({ products: [aProduct({ stock: 5 })] });
    const id = nextId();
    await placeOrder(s.orders, {
      orderId: id,
      user: alice,
      request: { ...base, paymentMethod: 'tok_insufficient_funds' },
    });
    await s.workflow.settled(id);
    const order = await s.waitForStatus(id, 'payment_declined');
    expect(order.status === 'payment_declined' && order.reason).toMatch(/declined/);
    expect((await s.inventory.get('margherita'))?.stock).toBe(5);
    const dms = s.notifier.textsFor(alice);
    expect(dms).toHaveLength(1);
    expect(dms[0]).toMatch(/declined/);
    expect(dms[0]).not.toMatch(/stock|delivery zones|courier/);
    expect(order.history.at(-1)?.cause).toBe('payment.declined');
  });

  it('transient payment failure is retried, then succeeds with a single charge', async () => {
    const s = await start();
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: alice, request: { ...base, paymentMethod: 'tok_transient' } });
    const order = await s.waitForStatus(id, 'confirmed');
    const record = await s.payments.record(id);
    expect(record?.stage).toBe('captured');
    expect(order.status === 'confirmed' && order.chargeId).toBe(record?.chargeId);
  });

  it('a failure after the charge refunds it and releases the stock', async () => {
    const s = await start({
      products: [aProduct({ stock: 3 })],
      stateOverrides: {
        ConfirmOrder: async () => {
          throw Object.assign(new Error('disk on fire'), { name: 'StoreBroken' });
        },
      },
    });
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: alice, request: base });
    await s.workflow.settled(id);
    const order = await s.waitForStatus(id, 'refunded');
    expect(order.history.map((h) => h.status)).toEqual(['received', 'refunded']);
    expect((await s.payments.record(id))?.stage).toBe('refunded');
    expect((await s.inventory.get('margherita'))?.stock).toBe(3);
  });

  it('a courier that never reports times out: refund and release', async () => {
    const s = await start({ products: [aProduct({ stock: 3 })], courierTimeoutMs: 300 });
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: alice, request: base });
    await s.workflow.settled(id);
    const order = await s.waitForStatus(id, 'refunded');
    expect(order.status === 'refunded' && order.reason).toMatch(/courier/i);
    expect((await s.payments.record(id))?.stage).toBe('refunded');
    expect((await s.inventory.get('margherita'))?.stock).toBe(3);
  });

  it('the address changes before dispatch, not after', async () => {
    const s = await start();
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: alice, request: base });
    await s.waitForAwaiting(id, 'preparing');
    const viewer = { user: alice, isStaff: false };
    const early = await changeAddress(s.orders, viewer, { orderRef: id, address: 'Side road 9, 10002 Old Town' });
    expect(early.ok).toBe(true);
    expect((await s.store.get(id))?.address).toBe('Side road 9, 10002 Old Town');
    const otherZone = await changeAddress(s.orders, viewer, { orderRef: id, address: '10400 Riverside' });
    expect(!otherZone.ok && otherZone.error.code).toBe('order.other_zone');

    await advanceDelivery(s.orders, { orderRef: id, stage: 'preparing' });
    await s.waitForAwaiting(id, 'out_for_delivery');
    await advanceDelivery(s.orders, { orderRef: id, stage: 'out_for_delivery' });
    await s.waitForStatus(id, 'out_for_delivery');
    const late = await changeAddress(s.orders, viewer, { orderRef: id, address: 'Elsewhere 1, 10001 Old Town' });
    expect(!late.ok && late.error.code).toBe('order.too_late');
    expect((await s.store.get(id))?.address).toBe('Side road 9, 10002 Old Town');
  });

  it('a demo courier delivers by itself', async () => {
    const s = await start({ courierDelays: { preparing: 5, out_for_delivery: 5, delivered: 5 } });
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: alice, request: base });
    await s.waitForStatus(id, 'delivered');
    await s.workflow.settled(id);
    expect(s.notifier.textsFor(alice)).toHaveLength(4);
  });

  it('/deliver with the wrong step is refused and changes nothing', async () => {
    const s = await start();
    const id = nextId();
    await placeOrder(s.orders, { orderId: id, user: alice, request: base });
    await s.waitForAwaiting(id, 'preparing');
    const wrong = await advanceDelivery(s.orders, { orderRef: id, stage: 'delivered' });
    expect(!wrong.ok && wrong.error.code).toBe('order.wrong_stage');
    expect((await s.store.get(id))?.status).toBe('confirmed');
  });
});
