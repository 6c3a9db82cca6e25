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
  | { readonly status: 'refunded'; readonly chargeId?: string; readonly reason: string };

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
}

/** The courier step the workflow is paused on, with the token that resumes it. */
export interface AwaitingCourier {
  readonly stage: CourierStage;
  readonly token: string;
}

export interface OrderDetails {
  readonly id: OrderId;
  readonly user: UserId;
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

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['delivered', 'unavailable', 'payment_declined', 'refunded']);
export const isFinished = (status: OrderStatus): boolean => TERMINAL.has(status);

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
};

/** The delivery address may change only before the order leaves. */
export const ADDRESS_CHANGEABLE: readonly OrderStatus[] = ['received', 'confirmed', 'preparing'];

export const STATUS_LABEL: Readonly<Record<OrderStatus, string>> = {
  received: 'received',
  confirmed: 'confirmed (paid)',
  preparing: 'being prepared',
  out_for_delivery: 'out for delivery',
  delivered: 'delivered',
  unavailable: 'unavailable (not enough stock)',
  payment_declined: 'payment declined',
  refunded: 'cancelled and refunded',
};
