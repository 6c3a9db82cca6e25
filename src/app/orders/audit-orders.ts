import { checkOrderInvariants, type PaymentFact, type Violation } from '../../domain/orders/invariants.ts';
import type { Inventory } from '../../ports/inventory.ts';
import type { OrderStore } from '../../ports/order-store.ts';
import type { PaymentGateway } from '../../ports/payment-gateway.ts';

export interface AuditDeps {
  readonly store: Pick<OrderStore, 'listAll'>;
  readonly inventory: Pick<Inventory, 'reservations' | 'list'>;
  readonly payments: Pick<PaymentGateway, 'lookup'>;
}

export interface AuditReport {
  readonly orders: number;
  readonly violations: Violation[];
}

/**
 * Reads every order, its payment record and its reservation, and checks the invariants
 * (src/domain/orders/invariants.ts). `initialStock`: stock per product before these orders, when known.
 */
export async function auditOrders(
  deps: AuditDeps,
  options: { readonly initialStock?: ReadonlyMap<string, number>; readonly quiescent?: boolean } = {},
): Promise<AuditReport> {
  const orders = await deps.store.listAll();
  const payments = new Map<string, PaymentFact>();
  for (const order of orders) {
    const payment = await deps.payments.lookup(order.id);
    if (payment) payments.set(order.id, payment);
  }
  const reservations = await deps.inventory.reservations();
  const stock = new Map((await deps.inventory.list()).map((p) => [p.id, p.stock]));
  const violations = checkOrderInvariants({
    orders,
    payments,
    reservations,
    stock,
    ...(options.initialStock ? { initialStock: options.initialStock } : {}),
    ...(options.quiescent === undefined ? {} : { quiescent: options.quiescent }),
  });
  return { orders: orders.length, violations };
}
