import { afterEach, describe, expect, it } from 'vitest';
import type { LocalJson } from '../../adapters/local/local-order-workflow.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { type OrderStack, startOrderStack } from '../support/order-stack.ts';

const dana = userId('discord', 'dana');
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };

/**
 * The local reconciler's periodic pass looks only at orders whose execution failed in this process (the full scan
 * of unfinished orders runs at start): it finishes those, and reads nothing when none failed.
 */
describe('periodic reconcile of failed executions (one machine)', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('finishes an order whose execution failed and left it unfinished; then has nothing to look at', async () => {
    // While `broken`, the quote throws, and so do the compensation's last step and the hand-off to staff: the
    // execution fails with the order still "received" (the case the periodic pass exists for).
    let broken = true;
    const failing = new Set(['QuoteDelivery', 'MarkRefunded', 'MarkNeedsAttention']);
    stack = await startOrderStack({
      around: async (state, _input, run) => {
        if (broken && failing.has(state)) throw new Error(`injected failure in ${state}`);
        return run() as Promise<LocalJson>;
      },
    });
    const s = stack;
    const id = orderIdFor('discord', 'suspect-1');
    expect((await placeOrder(s.orders, { orderId: id, user: dana, request })).ok).toBe(true);
    await s.workflow.idle();
    expect((await s.store.get(id))?.status).toBe('received');

    broken = false;
    expect(await s.workflow.reconcileSuspects()).toBe(1);
    // The fresh execution replays: the compensation had already cancelled the payment (its tombstone), so it
    // finishes the compensation and the order ends, uncharged, with its DM.
    const finished = await s.waitForStatus(id, 'failed');
    expect(finished.history.at(-1)?.cause).toBeDefined();
    expect((await s.payments.record(id))?.stage).not.toBe('captured');
    await s.workflow.idle();
    expect((await s.audit(undefined, true)).violations).toEqual([]);

    // Nothing failed since: the next pass has nothing to look at (and reads nothing).
    const other = orderIdFor('discord', 'suspect-2');
    expect((await placeOrder(s.orders, { orderId: other, user: dana, request, confirmed: true })).ok).toBe(true);
    await s.waitForAwaiting(other, 'preparing');
    expect(await s.workflow.reconcileSuspects()).toBe(0);
  });
});
