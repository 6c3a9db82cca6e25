import { afterEach, describe, expect, it } from 'vitest';
import type { LocalJson } from '../../adapters/local/local-order-workflow.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { type OrderStack, startOrderStack } from '../support/order-stack.ts';

const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };

describe('a full backlog refuses new orders as busy, before anything is written or charged', () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
  });

  it('says "try again", writes nothing, and takes the same order once the backlog drains', async () => {
    // The payment step waits until the test lets it go: two orders fill a backlog of two.
    const gate = Promise.withResolvers<void>();
    let charging = 0;
    const s = await startOrderStack({
      maxBacklog: 2,
      around: async (state, _input, run) => {
        if (state === 'ChargePayment') {
          charging += 1;
          await gate.promise;
        }
        return run() as Promise<LocalJson>;
      },
    });
    stack = s;
    const place = (n: number) =>
      placeOrder(s.orders, { orderId: orderIdFor('web', `busy-${n}`), user: userId('web', `u${n}`), request });
    expect((await place(1)).ok).toBe(true);
    expect((await place(2)).ok).toBe(true);
    while (charging < 2) await new Promise((r) => setTimeout(r, 10));

    const refused = await place(3);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('order.busy');
    expect(refused.error.message).toMatch(/Nothing was charged/);
    expect(refused.error.hint).toMatch(/again in a few seconds/);
    expect(await s.store.get(orderIdFor('web', 'busy-3'))).toBeUndefined();
    expect(await s.payments.lookup(orderIdFor('web', 'busy-3'))).toBeUndefined();

    gate.resolve();
    await s.waitForAwaiting(orderIdFor('web', 'busy-1'), 'preparing');
    await s.waitForAwaiting(orderIdFor('web', 'busy-2'), 'preparing');
    // Confirmed orders wait on the courier: parked, they no longer count against the backlog.
    expect(s.workflow.busy()).toBe(false);
    expect((await place(3)).ok).toBe(true);
    await s.waitForStatus(orderIdFor('web', 'busy-3'), 'confirmed');
  });
});
