import { describe, expect, it } from 'vitest';
import { formatCents } from '../../../src/domain/orders/money.ts';
import { orderIdFor, parseOrderId } from '../../../src/domain/orders/order-id.ts';
import { etaFor, priceOrder } from '../../../src/domain/orders/pricing.ts';
import { validateOrder } from '../../../src/domain/orders/validate.ts';
import { findZone } from '../../../src/domain/orders/zones.ts';
import { testZones } from '../../support/order-stack.ts';

const pizza = { id: 'margherita', name: 'Pizza Margherita', priceCents: 950 };
const rules = { maxQuantity: 20, zones: testZones };
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };

describe('orders domain', () => {
  it('derives a stable, execution-name-safe order id from the interaction', () => {
    const a = orderIdFor('discord', '1234');
    expect(a).toBe(orderIdFor('discord', '1234'));
    expect(a).not.toBe(orderIdFor('slack', '1234'));
    expect(a).toMatch(/^ord_[a-z0-9]{16}$/);
    expect(parseOrderId(` ${a.toUpperCase()} `)).toBe(a);
    expect(parseOrderId('ord_123')).toBeUndefined();
  });

  it('finds the zone by the most specific postal prefix, then by place name', () => {
    expect(findZone(testZones, 'Rue 5, 10012')?.id).toBe('centre');
    expect(findZone(testZones, 'Road 1, 10250')?.id).toBe('north');
    expect(findZone(testZones, 'Flat 2, Riverside')?.id).toBe('south');
    expect(findZone(testZones, 'Flat 2, Riversideville')).toBeUndefined();
    expect(findZone(testZones, '99999 Elsewhere')).toBeUndefined();
  });

  it('prices in integer cents and computes the ETA', () => {
    const zone = testZones[0];
    if (!zone) throw new Error('no zones');
    expect(priceOrder(950, 3, zone)).toEqual({
      unitPriceCents: 950,
      quantity: 3,
      itemsCents: 2850,
      deliveryCents: 250,
      totalCents: 3100,
    });
    expect(formatCents(3105)).toBe('31.05 EUR');
    expect(etaFor(new Date('2026-01-01T12:00:00Z'), zone, 15).toISOString()).toBe('2026-01-01T12:35:00.000Z');
  });

  it('validates with stable codes', () => {
    const code = (r: ReturnType<typeof validateOrder>) => (r.ok ? 'ok' : r.error.code);
    expect(code(validateOrder(request, pizza, rules))).toBe('ok');
    expect(code(validateOrder(request, undefined, rules))).toBe('order.unknown_product');
    expect(code(validateOrder({ ...request, quantity: 0 }, pizza, rules))).toBe('order.bad_quantity');
    expect(code(validateOrder({ ...request, quantity: 1.5 }, pizza, rules))).toBe('order.bad_quantity');
    expect(code(validateOrder({ ...request, quantity: 21 }, pizza, rules))).toBe('order.bad_quantity');
    expect(code(validateOrder({ ...request, address: 'Mars' }, pizza, rules))).toBe('order.no_delivery_zone');
    expect(code(validateOrder({ ...request, paymentMethod: 'cash please' }, pizza, rules))).toBe(
      'order.bad_payment_method',
    );
  });
});

describe('order config files', () => {
  it('names the file and the path of each problem', async () => {
    const { parseCatalogFile } = await import('../../../src/domain/orders/config-files.ts');
    expect(() =>
      parseCatalogFile({ products: [{ id: 'Bad Id', name: '', priceCents: 1.5, stock: -1 }] }, 'x.json'),
    ).toThrow(/Invalid x\.json:[\s\S]*products\.0\.id[\s\S]*products\.0\.priceCents/);
  });
});
