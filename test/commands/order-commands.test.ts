import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverCommand } from '../../commands/deliver.ts';
import { orderCommand } from '../../commands/order.ts';
import { restockCommand } from '../../commands/restock.ts';
import { trackCommand } from '../../commands/track.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { userId } from '../../src/domain/ids.ts';
import { aCommandContext } from '../support/command-context.ts';
import { aProduct, type OrderStack, startOrderStack } from '../support/order-stack.ts';

const good = { product: 'margherita', quantity: 2, address: '10001 Old Town', payment: 'tok_ok' };
const asText = (reply: Reply): string => (reply.kind === 'text' ? reply.text : JSON.stringify(reply));
const codeOf = (reply: Reply): string | undefined => (reply.kind === 'error' ? reply.code : undefined);
const idIn = (reply: Reply): string => /ord_[a-z0-9]{16}/.exec(asText(reply))?.[0] ?? '';

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('/order, /track, /deliver, /restock', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  const ctx = (who: string, invocationId = `inv-${who}-${Math.random()}`, isStaff = false) =>
    aCommandContext({ deps: { orders: stack.orders }, invoker: { user: userId('web', who), isStaff }, invocationId });

  beforeAll(async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 50 })] });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('replies with the order id, the price breakdown and the ETA', async () => {
    const reply = await runCommand(orderCommand, ctx('carol'), good);
    expect(asText(reply)).toMatch(/ord_[a-z0-9]{16}/);
    expect(asText(reply)).toContain('2 × Pizza Margherita @ 9.50 EUR = 19.00 EUR');
    expect(asText(reply)).toContain('Delivery: 2.50 EUR');
    expect(asText(reply)).toContain('Total: 21.50 EUR');
    expect(asText(reply)).toMatch(/ETA: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('a second delivery of the same interaction creates nothing new', async () => {
    const first = await runCommand(orderCommand, ctx('dave', 'same-click'), good);
    const second = await runCommand(orderCommand, ctx('dave', 'same-click'), good);
    expect(idIn(second)).toBe(idIn(first));
    expect(asText(second)).toMatch(/already received/);
    expect(await stack.store.listByUser(userId('web', 'dave'), 10)).toHaveLength(1);
    await stack.waitForStatus(idIn(first) as never, 'confirmed');
    expect((await stack.payments.record(idIn(first)))?.stage).toBe('captured');
  });

  it.each([
    [{ product: 'sushi' }, 'order.unknown_product'],
    [{ quantity: 0 }, 'order.bad_quantity'],
    [{ quantity: 21 }, 'order.bad_quantity'],
    [{ address: '99999 Nowhere' }, 'order.no_delivery_zone'],
  ])('bad input %o answers %s and writes nothing', async (override, code) => {
    const reply = await runCommand(orderCommand, ctx('erin'), { ...good, ...override });
    expect(reply.kind).toBe('error');
    expect(codeOf(reply)).toBe(code);
    expect(await stack.store.listByUser(userId('web', 'erin'), 10)).toHaveLength(0);
  });

  it('says the same range for a quantity too small and too large, never ∞', async () => {
    const messages = [];
    for (const quantity of [0, 21]) {
      const reply = await runCommand(orderCommand, ctx('gina'), { ...good, quantity });
      messages.push(reply.kind === 'error' ? reply.message : '');
    }
    expect(messages).toEqual([
      'Quantity must be a whole number from 1 to 20 (got 0).',
      'Quantity must be a whole number from 1 to 20 (got 21).',
    ]);
  });

  it('lists the zones with their postal codes and places when an address is outside them', async () => {
    const reply = await runCommand(orderCommand, ctx('gina'), { ...good, address: '12 Main Street' });
    expect(reply.kind === 'error' && reply.hint).toBe(
      'Include a postal code or place of one of our zones: City centre (`1000`, `1001`, `old town`, `centre`); ' +
        'North (`102x`, `103x`, `northside`); South (`104x`, `105x`, `riverside`).',
    );
  });

  it('autocompletes the address with the zones from the configured file', async () => {
    const complete = orderCommand.options.address.autocomplete;
    if (!complete) throw new Error('address has no autocomplete');
    const deps = ctx('gina').deps;
    const who = { user: userId('web', 'gina'), displayName: 'gina', isStaff: false };
    const typed = await complete('12 Main Street, north', who, deps);
    expect(typed).toEqual([
      { name: '12 Main Street, northside · North (northside)', value: '12 Main Street, northside' },
    ]);
    const all = await complete('', who, deps);
    expect(all.map((c) => c.value)).toEqual([
      '1000',
      '1001',
      'old town',
      'centre',
      '1020',
      '1030',
      'northside',
      '1040',
      '1050',
      'riverside',
    ]);
    expect(await complete('5 Baker Street, 1000', who, deps)).toEqual([
      { name: '5 Baker Street, 1000 · City centre', value: '5 Baker Street, 1000' },
    ]);
  });

  it('/track shows your latest order; another user gets exactly "not found"', async () => {
    const placed = await runCommand(orderCommand, ctx('frank'), good);
    const id = idIn(placed);
    await stack.waitForStatus(id as never, 'confirmed');
    const mine = await runCommand(trackCommand, ctx('frank'), {});
    expect(asText(mine)).toContain('received');
    expect(asText(mine)).toContain('confirmed (paid)');
    expect(mine.kind === 'text' && mine.title).toBe(`Order ${id}`);

    const foreign = await runCommand(trackCommand, ctx('mallory'), { order: id });
    const unknown = await runCommand(trackCommand, ctx('mallory'), { order: 'ord_0000000000000000' });
    expect(codeOf(foreign)).toBe('order.not_found');
    expect(foreign.kind === 'error' && foreign.message.replace(id, 'X')).toBe(
      unknown.kind === 'error' && unknown.message.replace('ord_0000000000000000', 'X'),
    );
    expect(asText(foreign)).not.toContain('Margherita');

    const staff = await runCommand(trackCommand, ctx('sam', undefined, true), { order: id });
    expect(staff.kind).toBe('text');
    expect(codeOf(await runCommand(trackCommand, ctx('frank'), { order: 'not-an-id' }))).toBe('order.bad_id');
    expect(codeOf(await runCommand(trackCommand, ctx('nobody'), {}))).toBe('order.none');
  });

  it('/deliver and /restock are staff only', async () => {
    const placed = await runCommand(orderCommand, ctx('gina'), good);
    const id = idIn(placed);
    await stack.waitForAwaiting(id as never, 'preparing');
    expect(codeOf(await runCommand(deliverCommand, ctx('gina'), { order: id, status: 'preparing' }))).toBe(
      'auth.staff_only',
    );
    const done = await runCommand(deliverCommand, ctx('sam', undefined, true), { order: id, status: 'preparing' });
    expect(asText(done)).toContain('being prepared');
    await stack.waitForStatus(id as never, 'preparing');

    expect(codeOf(await runCommand(restockCommand, ctx('gina'), { product: 'margherita', quantity: 5 }))).toBe(
      'auth.staff_only',
    );
    const before = (await stack.inventory.get('margherita'))?.stock ?? 0;
    const restocked = await runCommand(restockCommand, ctx('sam', undefined, true), {
      product: 'margherita',
      quantity: 5,
    });
    expect(asText(restocked)).toContain(`${before + 5} in stock`);
    const unknown = await runCommand(restockCommand, ctx('sam', undefined, true), { product: 'sushi', quantity: 5 });
    expect(codeOf(unknown)).toBe('order.unknown_product');
  });
});
