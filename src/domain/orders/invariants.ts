import type { OrderId } from '../ids.ts';
import { CHARGED_STATUSES, HOLDING_STATUSES, isFinished, type Order, REFUNDED_STATUSES } from './order.ts';

/**
 * The order invariants, in one place. They hold for every order once its workflow is at rest (finished, parked on
 * a courier step, or marked for staff); a test, the fault suite or a support script checks them with the facts of
 * the three stores.
 *
 * 1. charged ⇔ status ∈ {confirmed, preparing, out_for_delivery, delivered}   (charged = captured, not refunded)
 * 2. refunded ⇔ status ∈ {refunded, cancelled}
 * 3. no authorization is left open on a finished order (it was captured or voided)
 * 4. a held reservation ⇔ status ∈ {received, confirmed, preparing, out_for_delivery}; delivered ⇒ settled; and for
 *    each product, stock = initial − units held − units settled (reserved stock = the sum of open orders)
 * 5. never a refund after delivered (no refunded or cancelled status after a delivered one in the history)
 * 6. every order ends final or visibly waiting for staff (`needs_attention`), or is parked on a courier step
 *
 * An order in `needs_attention` is exempt from 1–4: staff settle it by hand.
 */
export interface PaymentFact {
  readonly stage: 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded' | 'cancelled';
}
export interface ReservationFact {
  readonly order: OrderId;
  readonly productId: string;
  readonly quantity: number;
  readonly state: 'held' | 'released' | 'settled';
}

export interface InvariantFacts {
  readonly orders: readonly Order[];
  readonly payments: ReadonlyMap<string, PaymentFact>;
  readonly reservations: readonly ReservationFact[];
  /** Current stock per product. */
  readonly stock: ReadonlyMap<string, number>;
  /** Stock per product before these orders (omit to skip the per-product sum). */
  readonly initialStock?: ReadonlyMap<string, number>;
  /** True once nothing runs any more: every order must then be final or need attention (no parked ones). */
  readonly quiescent?: boolean;
}

export interface Violation {
  readonly order?: OrderId;
  readonly productId?: string;
  readonly rule: string;
  readonly detail: string;
}

const CHARGED = new Set(CHARGED_STATUSES);
const REFUNDED = new Set(REFUNDED_STATUSES);
const HOLDING = new Set(HOLDING_STATUSES);

export function checkOrderInvariants(facts: InvariantFacts): Violation[] {
  const violations: Violation[] = [];
  const reservationOf = new Map(facts.reservations.map((r) => [r.order, r]));
  const add = (order: OrderId, rule: string, detail: string) => violations.push({ order, rule, detail });
  for (const order of facts.orders) {
    const stage = facts.payments.get(order.id)?.stage;
    const reservation = reservationOf.get(order.id);
    const history = order.history.map((h) => h.status);
    const deliveredAt = history.indexOf('delivered');
    if (deliveredAt >= 0 && history.slice(deliveredAt).some((s) => REFUNDED.has(s))) {
      add(order.id, 'no-refund-after-delivered', `history ${history.join(' → ')}`);
    }
    if (order.status === 'delivered' && stage === 'refunded') {
      add(order.id, 'no-refund-after-delivered', 'delivered and refunded');
    }
    if (order.status === 'needs_attention') continue;
    if (facts.quiescent && !isFinished(order.status)) {
      add(order.id, 'reaches-final', `still ${order.status} with nothing running`);
    }
    if (CHARGED.has(order.status) !== (stage === 'captured')) {
      add(order.id, 'charged-iff-paid-status', `status ${order.status}, payment ${stage ?? 'none'}`);
    }
    if (REFUNDED.has(order.status) !== (stage === 'refunded')) {
      add(order.id, 'refunded-iff-refunded-status', `status ${order.status}, payment ${stage ?? 'none'}`);
    }
    if (isFinished(order.status) && stage === 'authorized') {
      add(order.id, 'no-open-authorization', `status ${order.status} with an authorization still held`);
    }
    const held = reservation?.state === 'held';
    if (HOLDING.has(order.status) !== held && !(order.status === 'received' && !facts.quiescent)) {
      add(order.id, 'held-iff-open', `status ${order.status}, reservation ${reservation?.state ?? 'none'}`);
    }
    if (order.status === 'delivered' && reservation?.state !== 'settled') {
      add(order.id, 'delivered-settles', `reservation ${reservation?.state ?? 'none'}`);
    }
  }
  if (facts.initialStock) {
    for (const [productId, initial] of facts.initialStock) {
      const taken = facts.reservations
        .filter((r) => r.productId === productId && r.state !== 'released')
        .reduce((sum, r) => sum + r.quantity, 0);
      const stock = facts.stock.get(productId);
      if (stock !== initial - taken) {
        violations.push({
          productId,
          rule: 'stock-equals-initial-minus-taken',
          detail: `stock ${stock}, initial ${initial}, held+settled ${taken}`,
        });
      }
    }
  }
  return violations;
}
