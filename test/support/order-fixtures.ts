import { type OrderId, userId } from '../../src/domain/ids.ts';
import type { Order } from '../../src/domain/orders/order.ts';

/** A "received" order of one Pizza Margherita for zoe on the web surface (tests that write orders directly). */
export const anOrderRecord = (id: string, overrides: Partial<Order> = {}): Order =>
  ({
    id: id as OrderId,
    user: userId('web', 'zoe'),
    productId: 'margherita',
    productName: 'Pizza Margherita',
    quantity: 1,
    address: '10001 Old Town',
    zoneId: 'centre',
    paymentMethod: 'tok_ok',
    price: { unitPriceCents: 950, quantity: 1, itemsCents: 950, deliveryCents: 250, totalCents: 1200 },
    createdAt: '2026-11-24T10:00:00.000Z',
    eta: '2026-11-24T10:35:00.000Z',
    status: 'received',
    history: [{ status: 'received', at: '2026-11-24T10:00:00.000Z' }],
    ...overrides,
  }) as Order;
