import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { type OrderStack, startOrderStack, TABLES } from '../support/order-stack.ts';

/** DynamoDB requests on one order's item (Get/Put/Update/Delete keyed by it), counted by an SDK middleware. */
function countOrderItemRequests(stack: OrderStack) {
  const counts = new Map<string, number>();
  stack.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; Key?: { orderId?: unknown }; Item?: { orderId?: unknown } };
      const id = input.Key?.orderId ?? input.Item?.orderId;
      if (input.TableName === TABLES.orders && typeof id === 'string') {
        const key = `${id} ${context.commandName}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countOrderItemRequests' },
  );
  return {
    all: () => Object.fromEntries(counts),
    of(id: string, command?: string): number {
      let total = 0;
      for (const [key, n] of counts)
        if (key.startsWith(`${id} `) && (!command || key.endsWith(` ${command}`))) total += n;
      return total;
    },
  };
}

const alice = userId('discord', 'alice');
const request = {
  productId: 'margherita',
  quantity: 1,
  address: 'Main street 1, 10001 Old Town',
  paymentMethod: 'tok_ok',
};

describe('DynamoDB requests per delivered order (demo courier)', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  beforeEach(async () => {
    stack = await startOrderStack({ courierDelays: { preparing: 0, out_for_delivery: 0, delivered: 0 } });
  });
  afterEach(async () => {
    await stack.close();
  });

  it('runs one order to delivered in 9 order-item requests: 10 fewer than at 11c65ea', async () => {
    const requests = countOrderItemRequests(stack);
    const id = orderIdFor('discord', 'count-1');
    const placed = await placeOrder(stack.orders, { orderId: id, user: alice, request });
    expect(placed.ok).toBe(true);
    await stack.workflow.settled(id);
    await stack.notices.settled(10_000);
    // Counted before this test's own read of the order below.
    const now = {
      put: requests.of(id, 'PutItemCommand'),
      update: requests.of(id, 'UpdateItemCommand'),
      get: requests.of(id, 'GetItemCommand'),
    };
    const order = await stack.store.get(id);
    expect(order?.history.map((h) => h.status)).toEqual([
      'received',
      'confirmed',
      'preparing',
      'out_for_delivery',
      'delivered',
    ]);
    // Measured by this test at 11c65ea (separate courier waits, the demo courier reading the order per step):
    // 1 PutItem (create), 15 UpdateItem (4 transitions, 3 setAwaiting, 8 for the 4 status notices), 3 GetItem (the
    // courier's reads). Now the workflow does not read the order item at all, each courier step is one write with
    // its wait, and each status write holds its notice's claim: 4 transitions + 4 `shown` writes (each also takes
    // the order out of the outbox index).
    const before = { put: 1, update: 15, get: 3 };
    expect(now).toEqual({ put: 1, update: before.update - 3 - 4, get: before.get - 3 });
    expect(now.put + now.update + now.get).toBe(before.put + before.update + before.get - 10);
  });
});
