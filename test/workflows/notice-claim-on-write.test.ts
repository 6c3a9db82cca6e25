import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { manualCouriers } from '../../src/app/orders/demo-courier.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { type OrderId, userId } from '../../src/domain/ids.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import type { NoticePublisher } from '../../src/ports/status-notices.ts';
import { runTask, type TaskDeps } from '../../src/workflows/tasks.ts';
import { type OrderStack, startOrderStack, TABLES, testZones } from '../support/order-stack.ts';

const alice = userId('web', 'alice');
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };
const STAGES = ['preparing', 'out_for_delivery', 'delivered'] as const;

/** One UpdateItem on an order's item, as the SDK sent it (the real client; a middleware only looks). */
interface Write {
  readonly order: string;
  readonly expression: string;
}

/** Counts every UpdateItem the stack's document client sends to the orders table. */
function countUpdates(stack: OrderStack): Write[] {
  const writes: Write[] = [];
  stack.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; Key?: { orderId?: unknown }; UpdateExpression?: string };
      // The document client's UpdateCommand runs as the DynamoDB client's UpdateItemCommand.
      if (/^Update(Item)?Command$/.test(context.commandName ?? '') && input.TableName === TABLES.orders) {
        writes.push({ order: String(input.Key?.orderId), expression: input.UpdateExpression ?? '' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'countOrderUpdates', priority: 'high' },
  );
  return writes;
}

/** The writes of the status DMs' path: the status (with its outbox record) and the ledger's claim and shown. */
const noticeWrites = (writes: readonly Write[], order: OrderId) =>
  writes.filter((w) => w.order === order && /unsent|noticeClaim|noticeShown/.test(w.expression));

/** One order through all four notified statuses, reporting each courier step by hand. */
async function deliverOne(stack: OrderStack, name: string): Promise<OrderId> {
  const id = orderIdFor('web', name);
  expect((await placeOrder(stack.orders, { orderId: id, user: alice, request })).ok).toBe(true);
  await stack.waitForStatus(id, 'confirmed');
  for (const stage of STAGES) {
    await stack.waitForAwaiting(id, stage);
    expect((await advanceDelivery(stack.orders, { orderRef: id, stage })).ok).toBe(true);
    await stack.waitForStatus(id, stage);
  }
  await stack.workflow.settled(id);
  return id;
}

describe('the status write takes its notice’s claim (one machine)', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('makes exactly 2 writes to the order item per status: the status with its claim, then shown', async () => {
    stack = await startOrderStack();
    const writes = countUpdates(stack);
    const id = await deliverOne(stack, 'claim-on-write-1');
    expect(stack.notifier.textsFor(alice)).toHaveLength(4);

    const mine = noticeWrites(writes, id);
    expect(mine).toHaveLength(2 * 4);
    for (let i = 0; i < mine.length; i += 2) {
      // The transition: status, outbox record and claim in one write ...
      expect(mine[i]?.expression).toMatch(/#s = :s/);
      expect(mine[i]?.expression).toMatch(/noticeClaim/);
      expect(mine[i]?.expression).toMatch(/unsent/);
      // ... then the DM is shown: rank up, claim out, outbox record out.
      expect(mine[i + 1]?.expression).toMatch(/^SET noticeShown = :rank REMOVE noticeClaim, unsent, outboxAt/);
    }
    const order = await stack.store.get(id);
    expect(order?.status).toBe('delivered');
    // Nothing left claimed or pending.
    expect(await stack.notices.records.pending('9999')).toEqual([]);
  });

  it('a publisher that cannot send itself (a remote relay) gets no claim from the write: it claims on its own', async () => {
    // Wrapping hides claimOnWrite, as the cloud's SNS publisher has none.
    const remote = (inner: NoticePublisher): NoticePublisher => ({
      publish: (notice, signal) => inner.publish(notice, signal),
    });
    stack = await startOrderStack({ wrapPublisher: remote });
    const writes = countUpdates(stack);
    const id = await deliverOne(stack, 'claim-on-write-2');
    expect(stack.notifier.textsFor(alice)).toHaveLength(4);
    const kinds = noticeWrites(writes, id).map((w) =>
      /#s = :s/.test(w.expression)
        ? /noticeClaim/.test(w.expression)
          ? 'status+claim'
          : 'status'
        : w.expression.replace(/ :\w+/g, '').replace(/ =/g, ''),
    );
    // Per status: the status, the claim, shown (which clears the outbox record), and the announce's own clearing
    // (the wrapper does not say it clears the outbox): today's path, unchanged.
    expect(kinds).toEqual(
      Array.from({ length: 4 }, () => [
        'status',
        'SET noticeClaim',
        'SET noticeShown REMOVE noticeClaim, unsent, outboxAt',
        'DELETE unsent',
      ]).flat(),
    );
  });

  it('a DM that fails once: the write’s claim is released, the retry claims as usual and shows it once', async () => {
    stack = await startOrderStack();
    const s = stack;
    const failed = new Set<string>();
    const record = s.notifier.notify.bind(s.notifier);
    s.notifier.notify = async (user, reply) => {
      const key = reply.kind === 'text' ? (reply.title ?? '') : reply.kind;
      if (failed.has(key)) return record(user, reply);
      failed.add(key);
      return 'failed';
    };
    const writes = countUpdates(s);
    const id = await deliverOne(s, 'claim-on-write-4');
    expect(s.notifier.textsFor(alice)).toHaveLength(4);
    const kinds = noticeWrites(writes, id).map((w) =>
      /#s = :s/.test(w.expression) ? 'status+claim' : w.expression.replace(/ :\w+/g, '').replace(/ =/g, ''),
    );
    expect(kinds).toEqual(
      Array.from({ length: 4 }, () => [
        'status+claim',
        'REMOVE noticeClaim',
        'SET noticeClaim',
        'SET noticeShown REMOVE noticeClaim, unsent, outboxAt',
      ]).flat(),
    );
    expect(await s.notices.records.pending('9999')).toEqual([]);
  });

  it('a replayed task whose status was applied claims nothing and announces nothing', async () => {
    stack = await startOrderStack();
    const s = stack;
    const id = await deliverOne(s, 'claim-on-write-3');
    const writes = countUpdates(s);
    const sent = s.notifier.sent.length;
    const deps: TaskDeps = {
      orders: s.store,
      inventory: s.inventory,
      payments: s.payments,
      notices: s.notices.notices,
      couriers: manualCouriers,
      zones: testZones,
      now: () => new Date(),
    };
    // Replays of steps already applied (after a restart the execution runs from the start).
    await runTask(deps, { task: 'confirmOrder', orderId: id, chargeId: 'ch_replay' });
    await runTask(deps, { task: 'markStage', orderId: id, stage: 'out_for_delivery', chargeId: 'ch_replay' });
    // The refused status writes are the only ones: no claim was kept, nothing else written, nothing sent.
    const mine = noticeWrites(writes, id);
    expect(mine).toHaveLength(2);
    expect(mine.every((w) => /#s = :s/.test(w.expression))).toBe(true);
    const item = await s.doc.send(new GetCommand({ TableName: TABLES.orders, Key: { orderId: id } }));
    expect(item.Item?.noticeClaim).toBeUndefined();
    expect(item.Item?.noticeShown).toBe(5);
    expect(s.notifier.sent).toHaveLength(sent);
  });
});
