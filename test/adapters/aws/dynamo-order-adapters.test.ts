import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderId } from '../../../src/domain/ids.ts';
import { userId } from '../../../src/domain/ids.ts';
import type { Order } from '../../../src/domain/orders/order.ts';
import { PREDECESSORS } from '../../../src/domain/orders/order.ts';
import { anOrderRecord } from '../../support/order-fixtures.ts';
import { aProduct, type OrderStack, startOrderStack } from '../../support/order-stack.ts';

const anOrder = (id: string, overrides: Partial<Order> = {}): Order =>
  anOrderRecord(id, { createdAt: `2026-11-24T10:00:0${id.slice(-1)}.000Z`, ...overrides });

describe('DynamoDB order adapters on dynalite', () => {
  let s: OrderStack;
  beforeAll(async () => {
    // The workflow is not used here: these tests drive the adapters directly.
    s = await startOrderStack({ products: [aProduct({ stock: 3 })] });
  });
  afterAll(async () => {
    await s.close();
  });

  it('reserves at most the stock, once per order, and releases once', async () => {
    const inv = s.inventory;
    expect(await inv.reserve('margherita', 'ord_a' as OrderId, 2)).toBe('reserved');
    expect(await inv.reserve('margherita', 'ord_a' as OrderId, 2)).toBe('reserved');
    expect((await inv.get('margherita'))?.stock).toBe(1);
    expect(await inv.reserve('margherita', 'ord_b' as OrderId, 2)).toBe('insufficient');
    expect(await inv.reserve('nope', 'ord_b' as OrderId, 1)).toBe('insufficient');
    await inv.release('margherita', 'ord_a' as OrderId);
    await inv.release('margherita', 'ord_a' as OrderId);
    expect((await inv.get('margherita'))?.stock).toBe(3);
    expect((await inv.restock('margherita', 4))?.stock).toBe(7);
    expect(await inv.restock('nope', 4)).toBeUndefined();
    // Re-seeding keeps reservations in flight.
    await inv.reserve('margherita', 'ord_c' as OrderId, 1);
    await inv.put(aProduct({ stock: 10 }));
    await inv.release('margherita', 'ord_c' as OrderId);
    expect((await inv.get('margherita'))?.stock).toBe(11);
  });

  it('creates once, transitions only from allowed statuses, lists per user and unfinished', async () => {
    const store = s.store;
    expect(await store.create(anOrder('ord_x1'))).toBe('created');
    expect(await store.create(anOrder('ord_x1'))).toBe('exists');
    await store.create(anOrder('ord_x2'));
    const entry = { status: 'confirmed' as const, at: '2026-11-24T10:01:00.000Z' };
    const next = { status: 'confirmed' as const, chargeId: 'ch_1' };
    expect(await store.transition('ord_x1' as OrderId, PREDECESSORS.confirmed, next, entry)).toBe(true);
    expect(await store.transition('ord_x1' as OrderId, PREDECESSORS.confirmed, next, entry)).toBe(false);
    const got = await store.get('ord_x1' as OrderId);
    expect(got?.status === 'confirmed' && got.chargeId).toBe('ch_1');
    expect(got?.history).toHaveLength(2);

    expect(
      await store.setAwaiting('ord_x1' as OrderId, { stage: 'preparing', token: 't1' }, PREDECESSORS.preparing),
    ).toBe(true);
    expect(
      await store.setAwaiting('ord_x2' as OrderId, { stage: 'preparing', token: 't2' }, PREDECESSORS.preparing),
    ).toBe(false);
    expect((await store.get('ord_x1' as OrderId))?.awaiting?.token).toBe('t1');

    const declined = { status: 'payment_declined' as const, reason: 'no' };
    await store.transition('ord_x2' as OrderId, PREDECESSORS.payment_declined, declined, {
      status: 'payment_declined',
      at: '2026-11-24T10:02:00.000Z',
    });
    expect((await store.listByUser(userId('web', 'zoe'), 10)).map((o) => o.id)).toEqual(['ord_x2', 'ord_x1']);
    expect((await store.listUnfinished()).map((o) => o.id)).toEqual(['ord_x1']);
    expect(await store.changeAddress('ord_x1' as OrderId, { address: '10002', zoneId: 'centre' }, ['confirmed'])).toBe(
      'changed',
    );
    expect(await store.changeAddress('ord_x2' as OrderId, { address: '10002', zoneId: 'centre' }, ['confirmed'])).toBe(
      'too_late',
    );
    expect(await store.changeAddress('ord_zz' as OrderId, { address: '10002', zoneId: 'centre' }, ['confirmed'])).toBe(
      'not_found',
    );
  });
});
