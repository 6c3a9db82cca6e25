import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderTools } from '../../../../src/app/orders/assistant/order-tools.ts';
import { placeOrder } from '../../../../src/app/orders/place-order.ts';
import type { Tool, ToolCaller, ToolOutcome } from '../../../../src/app/tools.ts';
import { type OrderId, userId } from '../../../../src/domain/ids.ts';
import { orderIdFor } from '../../../../src/domain/orders/order-id.ts';
import { type OrderStack, startOrderStack } from '../../../support/order-stack.ts';

const alice: ToolCaller = { user: userId('discord', 'alice'), isStaff: false };
const bob: ToolCaller = { user: userId('discord', 'bob'), isStaff: false };
const staff: ToolCaller = { user: userId('discord', 'carol'), isStaff: true };
const request = {
  productId: 'margherita',
  quantity: 2,
  address: 'Main street 1, 10001 Old Town',
  paymentMethod: 'tok_ok',
};

describe('order tools', () => {
  let stack: OrderStack;
  let tools: Tool[];
  let aliceOrder: OrderId;
  let bobOrder: OrderId;
  const tool = (name: string): Tool => {
    const found = tools.find((t) => t.name === name);
    if (!found) throw new Error(`no tool ${name}`);
    return found;
  };
  const result = (outcome: ToolOutcome) => {
    if (!outcome.ok) throw new Error(`tool failed: ${outcome.error}`);
    return outcome.result as Record<string, unknown>;
  };

  beforeAll(async () => {
    stack = await startOrderStack();
    tools = orderTools(stack.orders);
    aliceOrder = orderIdFor('discord', 'tools-alice');
    bobOrder = orderIdFor('discord', 'tools-bob');
    await placeOrder(stack.orders, { orderId: aliceOrder, user: alice.user, request });
    await placeOrder(stack.orders, { orderId: bobOrder, user: bob.user, request: { ...request, quantity: 1 } });
    await stack.waitForAwaiting(aliceOrder, 'preparing');
    await stack.waitForAwaiting(bobOrder, 'preparing');
  });
  afterAll(async () => stack?.close());

  it('declares the four tools with JSON schemas that name no user', () => {
    expect(tools.map((t) => t.name)).toEqual(['list_my_orders', 'order_status', 'change_address', 'cancel_order']);
    for (const t of tools) {
      expect(t.inputSchema).toMatchObject({ type: 'object' });
      expect(JSON.stringify(t.inputSchema)).not.toMatch(/user/i);
      expect(t.inputSchema).not.toHaveProperty('$schema');
    }
    expect(tool('change_address').inputSchema).toMatchObject({ required: ['orderId', 'newAddress'] });
  });

  it('list_my_orders lists only the caller’s orders, whatever user id the model slips in', async () => {
    const outcome = result(
      await tool('list_my_orders').run({ userId: bob.user, user: 'discord:bob', limit: 10 }, alice),
    );
    const orders = outcome.orders as { orderId: string; status: string }[];
    expect(orders.map((o) => o.orderId)).toEqual([aliceOrder]);
    expect(orders[0]?.status).toBe('confirmed');
    expect(JSON.stringify(outcome)).not.toMatch(/tok_ok|token/);
  });

  it('order_status answers another user’s order exactly like an unknown one', async () => {
    const foreign = await tool('order_status').run({ orderId: bobOrder, userId: bob.user }, alice);
    const unknown = await tool('order_status').run({ orderId: 'ord_zzzzzzzzzzzzzzzz' }, alice);
    expect(foreign).toEqual({ ok: false, error: expect.stringMatching(/No order `ord_/) });
    expect(unknown.ok).toBe(false);
    expect(!foreign.ok && foreign.error.replace(bobOrder, 'X')).toBe(
      !unknown.ok && unknown.error.replace('ord_zzzzzzzzzzzzzzzz', 'X'),
    );
    expect(JSON.stringify(foreign)).not.toMatch(/Main street/);
  });

  it('order_status shows the caller’s order (latest when no id); staff too see only their own here', async () => {
    const own = result(await tool('order_status').run({}, alice));
    expect(own).toMatchObject({ orderId: aliceOrder, address: request.address, addressChangeable: true, quantity: 2 });
    expect((own.history as { status: string }[]).map((h) => h.status)).toEqual(['received', 'confirmed']);
    // The assistant acts for the caller only: staff look at other orders through the staff commands.
    const seenByStaff = await tool('order_status').run({ orderId: bobOrder.toUpperCase() }, staff);
    expect(seenByStaff).toEqual({ ok: false, error: expect.stringMatching(/No order `ord_/) });
  });

  it('rejects malformed input with a message naming the field', async () => {
    const bad = await tool('change_address').run({ orderId: aliceOrder, newAddress: 42 }, alice);
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/Invalid input for change_address: newAddress/) });
    const badId = await tool('order_status').run({ orderId: 'my pizza' }, alice);
    expect(badId).toEqual({ ok: false, error: expect.stringMatching(/not an order id/) });
  });

  it('change_address cannot touch another user’s order', async () => {
    const outcome = await tool('change_address').run(
      { orderId: bobOrder, newAddress: 'Evil lane 6, 10001 Old Town' },
      alice,
    );
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/No order/) });
    expect((await stack.store.get(bobOrder))?.address).toBe(request.address);
  });

  it('change_address works before dispatch and is refused once the order is out for delivery', async () => {
    const before = result(
      await tool('change_address').run({ orderId: aliceOrder, newAddress: 'Side road 9, 10002 Old Town' }, alice),
    );
    expect(before).toMatchObject({ changed: true });
    expect((await stack.store.get(aliceOrder))?.address).toBe('Side road 9, 10002 Old Town');

    const otherZone = await tool('change_address').run({ orderId: aliceOrder, newAddress: '10400 Riverside' }, alice);
    expect(otherZone).toEqual({ ok: false, error: expect.stringMatching(/another delivery zone/) });

    await stack.workflow.completeTask((await stack.waitForAwaiting(aliceOrder, 'preparing')).awaiting?.token ?? '', {
      stage: 'preparing',
    });
    const leaving = await stack.waitForAwaiting(aliceOrder, 'out_for_delivery');
    await stack.workflow.completeTask(leaving.awaiting?.token ?? '', { stage: 'out_for_delivery' });
    await stack.waitForStatus(aliceOrder, 'out_for_delivery');

    const late = await tool('change_address').run(
      { orderId: aliceOrder, newAddress: 'Elsewhere 1, 10001 Old Town' },
      alice,
    );
    expect(late).toEqual({
      ok: false,
      error: expect.stringMatching(/out for delivery: the address can no longer change/),
    });
    expect((await stack.store.get(aliceOrder))?.address).toBe('Side road 9, 10002 Old Town');
    const status = result(await tool('order_status').run({ orderId: aliceOrder }, alice));
    expect(status.addressChangeable).toBe(false);
  });

  it('staff get no power through the tools: another customer’s order cannot be cancelled or re-addressed', async () => {
    const cancel = await tool('cancel_order').run({ orderId: bobOrder }, staff);
    expect(cancel).toEqual({ ok: false, error: expect.stringMatching(/No order .* found/) });
    const change = await tool('change_address').run(
      { orderId: bobOrder, newAddress: 'Other 2, 10001 Old Town' },
      staff,
    );
    expect(change).toEqual({ ok: false, error: expect.stringMatching(/No order .* found/) });
    expect(result(await tool('list_my_orders').run({}, staff)).orders).toEqual([]);
    expect((await stack.store.get(bobOrder))?.address).toBe(request.address);
  });

  it('see the caller’s orders of the caller’s server only (all of them from a DM)', async () => {
    const inA = orderIdFor('discord', 'tools-alice-guild-a');
    await placeOrder(stack.orders, { orderId: inA, user: alice.user, space: 'discord:guild-a', request });
    const fromA = { ...alice, space: 'discord:guild-a' };
    const fromB = { ...alice, space: 'discord:guild-b' };
    const idsFor = async (caller: ToolCaller) =>
      (result(await tool('list_my_orders').run({ limit: 10 }, caller)).orders as { orderId: string }[]).map(
        (o) => o.orderId,
      );
    expect(await idsFor(fromA)).toContain(inA);
    expect(await idsFor(fromB)).not.toContain(inA);
    expect(await idsFor(alice)).toContain(inA);
    expect(await tool('order_status').run({ orderId: inA }, fromB)).toEqual({
      ok: false,
      error: expect.stringMatching(/No order .* found/),
    });
    expect(await tool('cancel_order').run({ orderId: inA }, fromB)).toEqual({
      ok: false,
      error: expect.stringMatching(/No order .* found/),
    });
    expect(result(await tool('order_status').run({ orderId: inA }, fromA)).orderId).toBe(inA);
  });
});
