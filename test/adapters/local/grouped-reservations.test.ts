import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservationToItem } from '../../../adapters/aws/inventory-items.ts';
import { BATCH_OP } from '../../../adapters/local/grouped-reservations.ts';
import type { OrderId } from '../../../src/domain/ids.ts';
import { aProduct, type OrderStack, startOrderStack, TABLES } from '../../support/order-stack.ts';

const ord = (n: string) => `ord_${n.padStart(16, '0')}` as OrderId;

/** Units held per product, from the reservation items. */
async function heldUnits(s: OrderStack, productId: string): Promise<number> {
  const held = (await s.inventory.reservations()).filter((r) => r.productId === productId && r.state === 'held');
  return held.reduce((sum, r) => sum + r.quantity, 0);
}

// Group commit of one product's queued reservations: same guarantees as one by one.
describe('LocalInventory: grouped reservations on a hot product', { timeout: 120_000 }, () => {
  let s: OrderStack;
  beforeAll(async () => {
    s = await startOrderStack({
      products: [
        aProduct({ id: 'hot', name: 'Hot dish', stock: 30 }),
        aProduct({ id: 'mix', name: 'Mixed dish', stock: 10 }),
        aProduct({ id: 'tomb', name: 'Tomb dish', stock: 5 }),
      ],
    });
  });
  afterAll(async () => {
    await s.close();
  });

  it('50 orders at once on 30 units: exactly 30 reserved, stock 0, reserved = the sum of the held orders', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => ord(`h${i}`));
    // One order's step replayed while the first try is still queued: it is taken once.
    const calls = [...ids, ids[0] as OrderId].map((id) => s.inventory.reserve('hot', id, 1));
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(31);
    expect(outcomes.filter((o) => o === 'insufficient')).toHaveLength(20);
    expect(outcomes.at(-1)).toBe(outcomes[0]);
    expect((await s.inventory.get('hot'))?.stock).toBe(0);
    expect(await heldUnits(s, 'hot')).toBe(30);
    // A replay after the group finds its reservation and takes nothing more.
    expect(await s.inventory.reserve('hot', ids[0] as OrderId, 1)).toBe('reserved');
    expect((await s.inventory.get('hot'))?.stock).toBe(0);
  });

  it('takes orders in arrival order while they fit, never below zero', async () => {
    const outcomes = await Promise.all([
      s.inventory.reserve('mix', ord('m1'), 4),
      s.inventory.reserve('mix', ord('m2'), 7),
      s.inventory.reserve('mix', ord('m3'), 3),
      s.inventory.reserve('mix', ord('m4'), 3),
      s.inventory.reserve('nope', ord('m5'), 1),
    ]);
    expect(outcomes).toEqual(['reserved', 'insufficient', 'reserved', 'reserved', 'insufficient']);
    expect((await s.inventory.get('mix'))?.stock).toBe(0);
    expect(await heldUnits(s, 'mix')).toBe(10);
    await s.inventory.release('mix', ord('m1'));
    expect((await s.inventory.get('mix'))?.stock).toBe(4);
  });

  it('respects a release that came first (tombstone) inside a group', async () => {
    await s.inventory.release('tomb', ord('t1'));
    const outcomes = await Promise.all([
      s.inventory.reserve('tomb', ord('t1'), 2),
      s.inventory.reserve('tomb', ord('t2'), 2),
    ]);
    expect(outcomes).toEqual(['released', 'reserved']);
    expect((await s.inventory.get('tomb'))?.stock).toBe(3);
    // A release called between two reserves is applied in call order: the later reserve of its order sees it.
    const [first, , late] = await Promise.all([
      s.inventory.reserve('tomb', ord('t3'), 1),
      s.inventory.release('tomb', ord('t4')),
      s.inventory.reserve('tomb', ord('t4'), 1),
    ]);
    expect([first, late]).toEqual(['reserved', 'released']);
    expect((await s.inventory.get('tomb'))?.stock).toBe(2);
  });

  it('repair() writes the items a crash cut after a group’s product write', async () => {
    // As a crash leaves it: the product gave 3 units to two orders; c1's item was written, c2's was not.
    await s.inventory.put(aProduct({ id: 'cut', name: 'Cut dish', stock: 7 }));
    await s.doc.send(
      new UpdateCommand({
        TableName: TABLES.catalog,
        Key: { productId: 'cut' },
        UpdateExpression: 'SET stock = :s, lastOp = :op, lastBatch = :b',
        ExpressionAttributeValues: { ':s': 4, ':op': BATCH_OP, ':b': [`${ord('c1')}=1`, `${ord('c2')}=2`] },
      }),
    );
    await s.doc.send(
      new PutCommand({
        TableName: TABLES.catalog,
        Item: reservationToItem({ order: ord('c1'), productId: 'cut', quantity: 1, state: 'held' }),
      }),
    );
    expect(await s.inventory.repair()).toBe(1);
    expect(await s.inventory.reservation(ord('c2'))).toEqual({
      order: ord('c2'),
      productId: 'cut',
      quantity: 2,
      state: 'held',
    });
    expect(await heldUnits(s, 'cut')).toBe(7 - 4);
    expect(await s.inventory.repair()).toBe(0);
  });
});
