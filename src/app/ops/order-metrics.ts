import type { OrderStatus } from '../../domain/orders/order.ts';
import type { Metrics } from '../../ports/metrics.ts';

/** Statuses where an order did not reach the customer, or needs staff: what an alert watches. */
const FAILED: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'unavailable',
  'payment_declined',
  'refunded',
  'failed',
  'cancelled',
  'needs_attention',
]);

/** The order workflow's transition hook, recording each status (and the failures apart). */
export const recordOrderStatus =
  (metrics: Metrics) =>
  (status: OrderStatus): void =>
    metrics.orderStatus(status, FAILED.has(status));
