import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCommand } from '../../commands/order.ts';
import type { OrderDeps } from '../../src/app/orders/deps.ts';
import { actionKey } from '../../src/chat/actions.ts';
import type { Place } from '../../src/chat/context.ts';
import { runAction, runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply, ReplyAction } from '../../src/chat/reply.ts';
import { userId } from '../../src/domain/ids.ts';
import { aCommandContext } from '../support/command-context.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

const good = { product: 'margherita', quantity: 1, address: '10001 Old Town', payment: 'tok_ok' };
const guild: Partial<Place> = { platform: 'discord', spaceId: 'guild-a', channelId: 'c-a', isDirect: false };
const titleOf = (reply: Reply) => (reply.kind === 'text' ? reply.title : reply.kind);
const actionsOf = (reply: Reply): readonly ReplyAction[] => (reply.kind === 'text' ? (reply.actions ?? []) : []);
const codeOf = (reply: Reply) => (reply.kind === 'error' ? reply.code : undefined);

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('"Same order again?" buttons: Place it again / Keep the first', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  let clicks = 0;
  const ctx = (who: string, orders: OrderDeps = stack.orders) =>
    aCommandContext({
      deps: { orders },
      invoker: { user: userId('discord', who), isStaff: false },
      place: guild,
      invocationId: `click-${++clicks}`,
    });
  const ordersOf = (who: string) => stack.store.listByUser(userId('discord', who), 50);
  /** Orders once, then the same again: the question and its two buttons. */
  async function question(who: string): Promise<{ again: string; keep: string; first: string }> {
    const first = await runCommand(orderCommand, ctx(who), good);
    expect(titleOf(first)).toBe('Order received');
    const asked = await runCommand(orderCommand, ctx(who), good);
    expect(titleOf(asked)).toBe('Same order again?');
    const [again, keep] = actionsOf(asked);
    expect([again?.label, keep?.label]).toEqual(['Place it again', 'Keep the first']);
    const [order] = await ordersOf(who);
    return { again: actionKey(again as ReplyAction), keep: actionKey(keep as ReplyAction), first: order?.id ?? '' };
  }

  beforeAll(async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 100 })] });
    stack.orders = { ...stack.orders, repeatWindowMs: 120_000 };
  });
  afterAll(async () => {
    await stack.close();
  });

  it('a double click on "Place it again" places exactly one second order, for the customer who asked', async () => {
    const { again } = await question('erin');
    const [a, b] = await Promise.all([
      runAction([orderCommand], ctx('erin'), again),
      runAction([orderCommand], ctx('erin'), again),
    ]);
    expect([a.to, b.to]).toEqual(['message', 'message']);
    expect([titleOf(a.reply), titleOf(b.reply)]).toEqual(['Order received', 'Order received']);
    const orders = await ordersOf('erin');
    expect(orders).toHaveLength(2);
    const second = orders.find((o) => JSON.stringify(a.reply).includes(o.id) && JSON.stringify(b.reply).includes(o.id));
    expect(second?.user).toBe(userId('discord', 'erin'));
    expect(second?.space).toBe('discord:guild-a');
    await stack.waitForStatus(second?.id as never, 'confirmed');
    expect((await stack.payments.record(second?.id ?? ''))?.stage).toBe('captured');
    // A third click later still finds that one order.
    const late = await runAction([orderCommand], ctx('erin'), again);
    expect(JSON.stringify(late.reply)).toContain(second?.id);
    expect(await ordersOf('erin')).toHaveLength(2);
  });

  it('another user clicking gets "this is not your order" for them alone; nothing is placed', async () => {
    const { again, keep } = await question('fay');
    for (const key of [again, keep]) {
      const stranger = await runAction([orderCommand], ctx('mallory'), key);
      expect(stranger.to).toBe('clicker');
      expect(codeOf(stranger.reply)).toBe('order.not_yours');
      expect(JSON.stringify(stranger.reply)).toMatch(/not your order/);
    }
    expect(await ordersOf('fay')).toHaveLength(1);
    expect(await ordersOf('mallory')).toHaveLength(0);
  });

  it('"Keep the first" places nothing, and a later "Place it again" on that question says it was kept', async () => {
    const { again, keep, first } = await question('gus');
    const kept = await runAction([orderCommand], ctx('gus'), keep);
    expect(kept.to).toBe('message');
    expect(JSON.stringify(kept.reply)).toContain(first);
    const after = await runAction([orderCommand], ctx('gus'), again);
    expect(JSON.stringify(after.reply)).toMatch(/Kept your first order/);
    expect(await ordersOf('gus')).toHaveLength(1);
  });

  it('expires with the repeat window: a click after it places nothing', async () => {
    const { again } = await question('hal');
    const later = { ...stack.orders, now: () => new Date(Date.now() + 121_000) };
    const expired = await runAction([orderCommand], ctx('hal', later), again);
    expect(codeOf(expired.reply)).toBe('order.question_expired');
    expect(expired.to).toBe('message');
    expect(await ordersOf('hal')).toHaveLength(1);
    // Long after, the question is forgotten: the clicker alone hears it expired.
    const forgotten = { ...stack.orders, now: () => new Date(Date.now() + 3_600_000) };
    const gone = await runAction([orderCommand], ctx('hal', forgotten), again);
    expect([gone.to, codeOf(gone.reply)]).toEqual(['clicker', 'order.question_expired']);
  });

  it('a forged or unknown button key is refused to the clicker alone', async () => {
    for (const key of ['do:order.again:nope', 'do:order.drop:x', 'do:nothing.again:x', 'cancel:1', 'do:../x']) {
      const answer = await runAction([orderCommand], ctx('ivy'), key);
      expect(answer.to).toBe('clicker');
      expect(answer.reply.kind).toBe('error');
    }
    expect(await ordersOf('ivy')).toHaveLength(0);
  });
});
