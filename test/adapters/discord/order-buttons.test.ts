import { ComponentType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionHandler } from '../../../adapters/discord/interactions.ts';
import type { DiscordPayload } from '../../../adapters/discord/shapes.ts';
import { orderCommand } from '../../../commands/order.ts';
import { userId } from '../../../src/domain/ids.ts';
import { aDeps } from '../../support/command-context.ts';
import { aProduct, type OrderStack, startOrderStack } from '../../support/order-stack.ts';
import { aCore, FakeButton, FakeChatInput, FakeUser } from './fakes.ts';

const STAFF = { rolesByGuild: new Map<string, Set<string>>(), usersByGuild: new Map<string, Set<string>>() };
const options = {
  product: { value: 'margherita' },
  quantity: { value: 1 },
  address: { value: '10001 Old Town' },
  payment: { value: 'tok_ok' },
};
const buttonsOf = (payload: DiscordPayload | undefined) =>
  (payload?.components ?? []).flatMap((row) => row.components) as { custom_id: string; label: string; type: number }[];
const shown = (payload: DiscordPayload | undefined) => JSON.stringify(payload ?? {});

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('Discord: the "Same order again?" buttons', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  let handler: InteractionHandler;

  beforeAll(async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 100 })] });
    const orders = { ...stack.orders, repeatWindowMs: 120_000 };
    const core = aCore([orderCommand], { deps: aDeps({ orders }) });
    handler = new InteractionHandler({ core, commands: [orderCommand], staff: STAFF, editIntervalMs: 20 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('shows the buttons; a stranger is told privately; a double click places exactly one second order', async () => {
    const alice = new FakeUser('u-alice');
    const first = new FakeChatInput('order', options, { user: alice });
    await handler.onChatInput(first);
    expect(shown(first.edits.at(-1))).toContain('Order received');
    const again = new FakeChatInput('order', options, { user: alice });
    await handler.onChatInput(again);
    const question = again.edits.at(-1);
    expect(shown(question)).toContain('Same order again?');
    const buttons = buttonsOf(question);
    expect(buttons.map((b) => [b.type, b.label])).toEqual([
      [ComponentType.Button, 'Place it again'],
      [ComponentType.Button, 'Keep the first'],
    ]);
    const place = buttons[0]?.custom_id ?? '';
    expect(place.length).toBeLessThanOrEqual(100);

    const stranger = new FakeButton(place, { user: new FakeUser('u-bob') });
    await handler.onButton(stranger);
    expect(stranger.deferred).toBe(1);
    expect(stranger.edits).toEqual([]);
    expect(stranger.followUps[0]?.flags).toBe(MessageFlags.Ephemeral);
    expect(shown(stranger.followUps[0])).toMatch(/not your order/);

    const clicks = [new FakeButton(place, { user: alice }), new FakeButton(place, { user: alice })];
    await Promise.all(clicks.map((c) => handler.onButton(c)));
    for (const click of clicks) {
      expect(click.followUps).toEqual([]);
      expect(shown(click.edits[0])).toContain('Order received');
      // The question's buttons go with it.
      expect(click.edits[0]?.components).toEqual([]);
    }
    const orders = await stack.store.listByUser(userId('discord', 'u-alice'), 10);
    expect(orders).toHaveLength(2);
    expect(orders.every((o) => o.space === 'discord:g-1')).toBe(true);
  });

  it('"Keep the first" replaces the question and places nothing', async () => {
    const carol = new FakeUser('u-carol');
    await handler.onChatInput(new FakeChatInput('order', options, { user: carol }));
    const again = new FakeChatInput('order', options, { user: carol });
    await handler.onChatInput(again);
    const keep = buttonsOf(again.edits.at(-1))[1]?.custom_id ?? '';
    const click = new FakeButton(keep, { user: carol });
    await handler.onButton(click);
    expect(shown(click.edits[0])).toMatch(/Kept your first order/);
    expect(await stack.store.listByUser(userId('discord', 'u-carol'), 10)).toHaveLength(1);
  });
});
