import type { OrderId, UserId } from '../ids.ts';
import type { Cents } from './money.ts';

/** Steps a courier (or staff) reports; each completes one waiting task of the workflow. */
export type CourierStage = 'preparing' | 'out_for_delivery' | 'delivered';
export const COURIER_STAGES: readonly CourierStage[] = ['preparing', 'out_for_delivery', 'delivered'];

/** The order's lifecycle, keyed on `status`; each state carries what only exists in it. */
export type OrderState =
  | { readonly status: 'received' }
  | { readonly status: 'confirmed'; readonly chargeId: string }
  | { readonly status: 'preparing'; readonly chargeId: string }
  | { readonly status: 'out_for_delivery'; readonly chargeId: string }
  | { readonly status: 'delivered'; readonly chargeId: string }
  | { readonly status: 'unavailable'; readonly reason: string }
  | { readonly status: 'payment_declined'; readonly reason: string }
  | { readonly status: 'refunded'; readonly chargeId?: string; readonly reason: string }
  /** A step failed before any money was taken (an authorization, if any, was voided). */
  | { readonly status: 'failed'; readonly reason: string }
  /** The customer cancelled before courier pickup; any captured payment was refunded, an authorization voided. */
  | { readonly status: 'cancelled'; readonly chargeId?: string; readonly reason: string }
  /** Compensation itself failed: staff must look (the workflow stopped; nothing else will change it). */
  | { readonly status: 'needs_attention'; readonly chargeId?: string; readonly reason: string };

export type OrderStatus = OrderState['status'];

export interface PriceBreakdown {
  readonly unitPriceCents: Cents;
  readonly quantity: number;
  readonly itemsCents: Cents;
  readonly deliveryCents: Cents;
  readonly totalCents: Cents;
}

export interface StatusEntry {
  readonly status: OrderStatus;
  /** ISO-8601. */
  readonly at: string;
  readonly note?: string;
  /** Why the order did not go through, as a stable code (`payment.timeout`, `order.out_of_stock`…): one cause. */
  readonly cause?: string;
}

/** The courier step the workflow is paused on, with the token that resumes it. */
export interface AwaitingCourier {
  readonly stage: CourierStage;
  readonly token: string;
}

export interface OrderDetails {
  readonly id: OrderId;
  readonly user: UserId;
  /**
   * The server it was placed in (`discord:<guild>`, `slack:<team>`, `web:playground`): its customer sees it there,
   * its staff act on it there. Absent on orders written before orders were scoped (visible as before).
   */
  readonly space?: string;
  readonly productId: string;
  readonly productName: string;
  readonly quantity: number;
  readonly address: string;
  readonly zoneId: string;
  readonly paymentMethod: string;
  readonly note?: string;
  readonly price: PriceBreakdown;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly eta: string;
}

export type Order = OrderDetails &
  OrderState & {
    readonly history: readonly StatusEntry[];
    readonly awaiting?: AwaitingCourier;
  };

/** Statuses no workflow step changes any more. */
export const FINAL_STATUSES: readonly OrderStatus[] = [
  'delivered',
  'unavailable',
  'payment_declined',
  'refunded',
  'failed',
  'cancelled',
];
const TERMINAL: ReadonlySet<OrderStatus> = new Set(FINAL_STATUSES);
export const isFinished = (status: OrderStatus): boolean => TERMINAL.has(status);

/** Statuses in which the order's payment is captured and kept. */
export const CHARGED_STATUSES: readonly OrderStatus[] = ['confirmed', 'preparing', 'out_for_delivery', 'delivered'];
/** Statuses in which a captured payment was given back. */
export const REFUNDED_STATUSES: readonly OrderStatus[] = ['refunded', 'cancelled'];
/** Statuses whose order still holds its stock reservation. */
export const HOLDING_STATUSES: readonly OrderStatus[] = ['received', 'confirmed', 'preparing', 'out_for_delivery'];
/** The error a customer's cancel fails the waiting courier task with (its Catch runs the compensation). */
export const CANCELLED_BY_CUSTOMER = 'CancelledByCustomer';

/** The customer may cancel until the courier picks the order up. */
export const CANCELLABLE: readonly OrderStatus[] = ['confirmed', 'preparing'];

/** Which statuses may precede each status: the store applies a transition only from these. */
export const PREDECESSORS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: [],
  confirmed: ['received'],
  preparing: ['confirmed'],
  out_for_delivery: ['preparing'],
  delivered: ['out_for_delivery'],
  unavailable: ['received'],
  payment_declined: ['received'],
  refunded: ['received', 'confirmed', 'preparing', 'out_for_delivery'],
  failed: ['received'],
  cancelled: ['received', 'confirmed', 'preparing'],
  needs_attention: ['received', 'confirmed', 'preparing', 'out_for_delivery'],
};

/** The delivery address may change only before the order leaves. */
export const ADDRESS_CHANGEABLE: readonly OrderStatus[] = ['received', 'confirmed', 'preparing'];

export const STATUS_LABEL: Readonly<Record<OrderStatus, string>> = {
  received: 'received',
  confirmed: 'confirmed (paid)',
  preparing: 'being prepared',
  out_for_delivery: 'out for delivery',
  delivered: 'delivered',
  unavailable: 'unavailable',
  payment_declined: 'payment declined',
  refunded: 'cancelled and refunded',
  failed: 'not completed (nothing charged)',
  cancelled: 'cancelled by you',
  needs_attention: 'waiting for our staff',
};
