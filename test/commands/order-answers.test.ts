import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelCommand } from '../../commands/cancel.ts';
import { deliverCommand } from '../../commands/deliver.ts';
import { orderCommand } from '../../commands/order.ts';
import { restockCommand } from '../../commands/restock.ts';
import { trackCommand } from '../../commands/track.ts';
import type { Place } from '../../src/chat/context.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { userId } from '../../src/domain/ids.ts';
import { aCommandContext } from '../support/command-context.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

const good = { product: 'margherita', quantity: 1, address: '10001 Old Town', payment: 'tok_ok' };
const asText = (reply: Reply): string => (reply.kind === 'text' ? reply.text : JSON.stringify(reply));
const codeOf = (reply: Reply): string | undefined => (reply.kind === 'error' ? reply.code : undefined);
const idIn = (reply: Reply): string => /ord_[a-z0-9]{16}/.exec(`${titleOf(reply) ?? ''} ${asText(reply)}`)?.[0] ?? '';
const titleOf = (reply: Reply): string | undefined => (reply.kind === 'text' ? reply.title : undefined);

const guildA: Partial<Place> = { platform: 'discord', spaceId: 'guild-a', channelId: 'c-a', isDirect: false };
const guildB: Partial<Place> = { platform: 'discord', spaceId: 'guild-b', channelId: 'c-b', isDirect: false };
const dm: Partial<Place> = { platform: 'discord', spaceId: 'dm', channelId: 'dm-1', isDirect: true };

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('/order answers at once, asks before a repeat, and orders stay in their server', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  let clicks = 0;
  const ctx = (who: string, place: Partial<Place> = guildA, isStaff = false, invocationId = `click-${++clicks}`) =>
    aCommandContext({
      deps: { orders: stack.orders },
      invoker: { user: userId('discord', who), isStaff },
      place,
      invocationId,
    });
  const ordersOf = (who: string) => stack.store.listByUser(userId('discord', who), 50);

  beforeAll(async () => {
    stack = await startOrderStack({
      products: [aProduct({ stock: 50 }), aProduct({ id: 'tiramisu', name: 'Tiramisu', stock: 1 })],
    });
    // As composed from ORDERS_DUPLICATE_WINDOW_SECONDS.
    stack.orders = { ...stack.orders, repeatWindowMs: 120_000 };
  });
  afterAll(async () => {
    await stack.close();
  });

  describe('rejections known at once are answered at once, naming the one cause, with nothing written', () => {
    it.each([
      [
        'out of stock',
        { product: 'tiramisu', quantity: 2 },
        'order.out_of_stock',
        /Only 1 Tiramisu left; you asked for 2/,
      ],
      ['out of zone', { address: '99999 Nowhere' }, 'order.no_delivery_zone', /We do not deliver to/],
      ['a card that always declines', { payment: 'tok_decline' }, 'order.payment_declined', /always declines/],
      ['a 2 KB product name', { product: 'p'.repeat(2048) }, 'input.too_long', /`product` is 2048 characters/],
      ['a 2 KB address', { address: `10001 ${'x'.repeat(2048)}` }, 'input.too_long', /`address`/],
      ['a 2 KB note', { note: 'n'.repeat(2048) }, 'input.too_long', /`note`/],
    ])('%s', async (_case, override, code, message) => {
      const reply = await runCommand(orderCommand, ctx('rita'), { ...good, ...override });
      expect(codeOf(reply)).toBe(code);
      expect(reply.kind === 'error' && reply.message).toMatch(message);
      expect(JSON.stringify(reply)).not.toMatch(/Order received|Total/);
      expect(await ordersOf('rita')).toHaveLength(0);
      expect(stack.notifier.textsFor(userId('discord', 'rita'))).toHaveLength(0);
    });

    it('bounds every string option of the other order commands before any store', async () => {
      const long = 'x'.repeat(2048);
      const staff = ctx('sam', guildA, true);
      for (const [command, values] of [
        [trackCommand, { order: long }],
        [cancelCommand, { order: long }],
        [deliverCommand, { order: long, status: 'preparing' }],
        [restockCommand, { product: long, quantity: 1 }],
      ] as const) {
        const reply = await runCommand(command, staff, values);
        expect(codeOf(reply), command.name).toBe('input.too_long');
        expect(reply.kind === 'error' && reply.message).toMatch(/2048 characters long; the limit is (40|80)/);
      }
    });
  });

  describe('a second identical order within the window asks to confirm', () => {
    it('asks instead of ordering and charging again; confirm:yes places it; another address is no repeat', async () => {
      const first = await runCommand(orderCommand, ctx('dana'), good);
      expect(titleOf(first)).toBe('Order received');
      const again = await runCommand(orderCommand, ctx('dana'), { ...good, address: ' 10001  old town ' });
      expect(titleOf(again)).toBe('Same order again?');
      expect(asText(again)).toContain(idIn(first));
      expect(asText(again)).toContain('confirm:yes');
      expect(await ordersOf('dana')).toHaveLength(1);

      const confirmed = await runCommand(orderCommand, ctx('dana'), { ...good, confirm: 'yes' });
      expect(titleOf(confirmed)).toBe('Order received');
      expect(idIn(confirmed)).not.toBe(idIn(first));
      const elsewhere = await runCommand(orderCommand, ctx('dana'), { ...good, address: '10401 Riverside' });
      expect(titleOf(elsewhere)).toBe('Order received');
      const inGuildB = await runCommand(orderCommand, ctx('dana', guildB), good);
      expect(titleOf(inGuildB)).toBe('Order received');
      expect(await ordersOf('dana')).toHaveLength(4);
    });

    it('of two identical submits at the same moment, exactly one is placed and charged', async () => {
      const [a, b] = await Promise.all([
        runCommand(orderCommand, ctx('dora'), good),
        runCommand(orderCommand, ctx('dora'), good),
      ]);
      expect([titleOf(a), titleOf(b)].sort()).toEqual(['Order received', 'Same order again?']);
      const orders = await ordersOf('dora');
      expect(orders).toHaveLength(1);
      const [order] = orders;
      await stack.waitForStatus(order?.id as never, 'confirmed');
      // The question names the order the first submit placed: one order, one charge.
      expect(new Set([idIn(a), idIn(b)])).toEqual(new Set([order?.id]));
      expect((await stack.payments.record(order?.id ?? ''))?.stage).toBe('captured');
    });

    it('a second delivery of the same interaction is not a repeat: it answers with its own order', async () => {
      const first = await runCommand(orderCommand, ctx('dina', guildA, false, 'same-interaction'), good);
      const second = await runCommand(orderCommand, ctx('dina', guildA, false, 'same-interaction'), good);
      expect(idIn(second)).toBe(idIn(first));
      expect(asText(second)).toMatch(/already received/);
    });
  });

  describe('orders and staff are scoped per server', () => {
    it('/track and /cancel see the caller’s orders of this server only; a DM sees all of theirs', async () => {
      const inA = idIn(await runCommand(orderCommand, ctx('olga', guildA), good));
      const inB = idIn(await runCommand(orderCommand, ctx('olga', guildB), { ...good, quantity: 2 }));
      expect(idIn(await runCommand(trackCommand, ctx('olga', guildA), {}))).toBe(inA);
      expect(idIn(await runCommand(trackCommand, ctx('olga', guildB), {}))).toBe(inB);
      expect(codeOf(await runCommand(trackCommand, ctx('olga', guildA), { order: inB }))).toBe('order.not_found');
      expect(codeOf(await runCommand(cancelCommand, ctx('olga', guildA), { order: inB }))).toBe('order.not_found');
      expect(idIn(await runCommand(trackCommand, ctx('olga', dm), { order: inA }))).toBe(inA);
      expect(idIn(await runCommand(trackCommand, ctx('olga', dm), { order: inB }))).toBe(inB);
    });

    it('staff of one server neither see nor deliver another server’s orders', async () => {
      const inB = idIn(await runCommand(orderCommand, ctx('pia', guildB), good));
      await stack.waitForAwaiting(inB as never, 'preparing');
      const staffA = ctx('sam', guildA, true);
      expect(codeOf(await runCommand(trackCommand, staffA, { order: inB }))).toBe('order.not_found');
      const refused = await runCommand(deliverCommand, staffA, { order: inB, status: 'preparing' });
      expect(codeOf(refused)).toBe('order.not_found');
      expect((await stack.store.get(inB as never))?.status).toBe('confirmed');

      const staffB = ctx('sam', guildB, true);
      expect(idIn(await runCommand(trackCommand, staffB, { order: inB }))).toBe(inB);
      const done = await runCommand(deliverCommand, staffB, { order: inB, status: 'preparing' });
      expect(titleOf(done)).toBe('Delivery updated');
      await stack.waitForStatus(inB as never, 'preparing');
    });

    it('reads orders written before orders had a server: their owner still sees them everywhere', async () => {
      const legacy = idIn(await runCommand(orderCommand, ctx('lena', guildA), good));
      const stored = await stack.store.get(legacy as never);
      if (!stored) throw new Error('missing order');
      const { space: _space, ...withoutSpace } = stored;
      const oldId = 'ord_legacy0000000001' as never;
      await stack.store.create({ ...withoutSpace, id: oldId, status: 'received', history: stored.history.slice(0, 1) });
      expect(idIn(await runCommand(trackCommand, ctx('lena', guildB), { order: oldId }))).toBe(oldId);
    });
  });
});
