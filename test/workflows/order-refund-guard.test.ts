import { afterEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { manualCouriers } from '../../src/app/orders/demo-courier.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { type OrderId, userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import type { PaymentGateway } from '../../src/ports/payment-gateway.ts';
import { runTask, type TaskDeps } from '../../src/workflows/tasks.ts';
import { aProduct, type OrderStack, startOrderStack, testZones } from '../support/order-stack.ts';

const dora = userId('discord', 'G1/dora');
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };
const stock = (n: number) => new Map([['margherita', n]]);

/** A second execution's compensation (a stale timeout, a resumed run) with the same task handlers. */
function competing(stack: OrderStack, payments: PaymentGateway = stack.payments): TaskDeps {
  return {
    orders: stack.store,
    inventory: stack.inventory,
    payments,
    notices: stack.notices.notices,
    couriers: manualCouriers,
    zones: testZones,
    now: () => new Date(),
  };
}

/** The compensation path of the ASL after a failed step: RefundPayment → ReleaseStock → MarkRefunded. */
async function compensate(deps: TaskDeps, orderId: OrderId): Promise<unknown> {
  await runTask(deps, { task: 'cancelPayment', orderId });
  await runTask(deps, { task: 'releaseStock', orderId });
  return runTask(deps, { task: 'markCompensated', orderId, error: { Error: 'States.Timeout', Cause: 'courier' } });
}

async function outForDelivery(stack: OrderStack, name: string): Promise<{ id: OrderId; token: string }> {
  const id = orderIdFor('discord', name);
  await placeOrder(stack.orders, { orderId: id, user: dora, request });
  for (const stage of ['preparing', 'out_for_delivery'] as const) {
    await stack.waitForAwaiting(id, stage);
    expect((await advanceDelivery(stack.orders, { orderRef: id, stage })).ok).toBe(true);
  }
  const waiting = await stack.waitForAwaiting(id, 'delivered');
  return { id, token: waiting.awaiting?.token ?? '' };
}

// "Never a refund after delivered", made atomic: the refund's marker and the delivered transition exclude each other.
// Generous timeouts: the machine is shared and slow; nothing asserts on time.
describe('the refund guard: the courier marks delivered while a refund starts', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('refund first: "delivered" is refused mid-refund, stock is not settled, the order waits for staff', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const s = stack;
    const { id } = await outForDelivery(s, 'guard-refund-first');
    // The competing refund has written its marker and is inside the payment provider when the courier reports.
    let inside: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated: PaymentGateway = {
      authorize: (i) => s.payments.authorize(i),
      capture: (k) => s.payments.capture(k),
      lookup: (k) => s.payments.lookup(k),
      cancel: async (key) => {
        inside();
        await gate;
        return s.payments.cancel(key);
      },
    };
    const refund = compensate(competing(s, gated), id);
    await reached;
    expect((await advanceDelivery(s.orders, { orderRef: id, stage: 'delivered' })).ok).toBe(true);
    await s.waitForStatus(id, 'needs_attention');
    release();
    await refund;
    await s.workflow.idle();

    const order = await s.store.get(id);
    expect(order?.history.map((h) => h.status)).not.toContain('delivered');
    expect((await s.payments.record(id))?.stage).toBe('refunded');
    expect((await s.inventory.reservation(id))?.state).toBe('released');
    expect((await s.inventory.get('margherita'))?.stock).toBe(5);
    expect((await s.audit(stock(5), true)).violations).toEqual([]);
  });

  it('refund finished first: "delivered" is refused, the order stays refunded', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const { id, token } = await outForDelivery(stack, 'guard-refund-done');
    await compensate(competing(stack), id);
    expect((await stack.store.get(id))?.status).toBe('refunded');
    // The courier's report reaches the execution still parked on AwaitDelivered.
    expect(await stack.workflow.completeTask(token, { stage: 'delivered' })).toBe(true);
    await stack.workflow.idle();
    const order = await stack.store.get(id);
    expect(order?.status).toBe('refunded');
    expect(order?.history.map((h) => h.status)).not.toContain('delivered');
    expect((await stack.payments.record(id))?.stage).toBe('refunded');
    expect((await stack.audit(stock(5), true)).violations).toEqual([]);
  });

  it('delivered first: the refund that starts after it is refused before it touches the payment', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const { id } = await outForDelivery(stack, 'guard-delivered-first');
    expect((await advanceDelivery(stack.orders, { orderRef: id, stage: 'delivered' })).ok).toBe(true);
    await stack.waitForStatus(id, 'delivered');
    await stack.workflow.idle();
    await expect(runTask(competing(stack), { task: 'cancelPayment', orderId: id })).rejects.toMatchObject({
      name: 'AlreadyDelivered',
    });
    expect(await stack.store.markCompensating(id, new Date().toISOString())).toBe('delivered');
    expect((await stack.store.get(id))?.status).toBe('delivered');
    expect((await stack.payments.record(id))?.stage).toBe('captured');
    expect((await stack.inventory.reservation(id))?.state).toBe('settled');
    expect((await stack.audit(stock(5), true)).violations).toEqual([]);
  });

  it('the two writes exclude each other at the store: marked ⇒ never delivered; a repeat mark changes nothing', async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 5 })] });
    const { id } = await outForDelivery(stack, 'guard-store');
    expect(await stack.store.markCompensating(id, '2026-12-04T10:00:00.000Z')).toBe('marked');
    expect(await stack.store.markCompensating(id, '2026-12-04T10:00:01.000Z')).toBe('marked');
    const entry = { status: 'delivered' as const, at: new Date().toISOString() };
    const delivered = { status: 'delivered' as const, chargeId: 'ch_x' };
    expect(await stack.store.transition(id, ['out_for_delivery'], delivered, entry)).toBe(false);
    expect((await stack.store.get(id))?.status).toBe('out_for_delivery');
    expect(await stack.store.markCompensating('ord_missing00000000' as OrderId, entry.at)).toBe('not_found');
  });
});
