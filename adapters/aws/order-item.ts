import { z } from 'zod';
import type { OrderId, UserId } from '../../src/domain/ids.ts';
import { COURIER_STAGES, type Order, type OrderState } from '../../src/domain/orders/order.ts';

const statuses = [
  'received',
  'confirmed',
  'preparing',
  'out_for_delivery',
  'delivered',
  'unavailable',
  'payment_declined',
  'refunded',
  'failed',
  'cancelled',
  'needs_attention',
] as const;

/** A stored order item, checked on read: the table is a trust boundary (other writers, older versions). */
const itemSchema = z.object({
  orderId: z.string(),
  userId: z.string(),
  space: z.string().optional(),
  productId: z.string(),
  productName: z.string(),
  quantity: z.number().int(),
  address: z.string(),
  zoneId: z.string(),
  paymentMethod: z.string(),
  note: z.string().optional(),
  price: z.object({
    unitPriceCents: z.number().int(),
    quantity: z.number().int(),
    itemsCents: z.number().int(),
    deliveryCents: z.number().int(),
    totalCents: z.number().int(),
  }),
  createdAt: z.string(),
  eta: z.string(),
  status: z.enum(statuses),
  chargeId: z.string().optional(),
  reason: z.string().optional(),
  history: z.array(
    z.object({ status: z.enum(statuses), at: z.string(), note: z.string().optional(), cause: z.string().optional() }),
  ),
  awaiting: z.object({ stage: z.enum(COURIER_STAGES), token: z.string() }).optional(),
});

export function orderToItem(order: Order): Record<string, unknown> {
  const { id, user, ...rest } = order;
  return { ...rest, orderId: id, userId: user };
}

/** Only the fields of the order's current state, so a state never carries a stale `reason` or `chargeId`. */
export function stateFields(state: OrderState): Record<string, string> {
  switch (state.status) {
    case 'received':
      return {};
    case 'confirmed':
    case 'preparing':
    case 'out_for_delivery':
    case 'delivered':
      return { chargeId: state.chargeId };
    case 'unavailable':
    case 'payment_declined':
      return { reason: state.reason };
    case 'failed':
      return { reason: state.reason };
    case 'refunded':
    case 'cancelled':
    case 'needs_attention':
      return state.chargeId === undefined
        ? { reason: state.reason }
        : { chargeId: state.chargeId, reason: state.reason };
  }
}

export function itemToOrder(raw: unknown): Order {
  const item = itemSchema.parse(raw);
  const { orderId, userId, space, status, chargeId, reason, note, awaiting, history, ...details } = item;
  const base = {
    ...details,
    id: orderId as OrderId,
    user: userId as UserId,
    history: history.map((h) => ({
      status: h.status,
      at: h.at,
      ...(h.note === undefined ? {} : { note: h.note }),
      ...(h.cause === undefined ? {} : { cause: h.cause }),
    })),
    ...(note === undefined ? {} : { note }),
    ...(space === undefined ? {} : { space }),
    ...(awaiting === undefined ? {} : { awaiting }),
  };
  return { ...base, ...toState(status, chargeId, reason) };
}

function toState(status: (typeof statuses)[number], chargeId = '', reason = ''): OrderState {
  switch (status) {
    case 'received':
      return { status };
    case 'confirmed':
    case 'preparing':
    case 'out_for_delivery':
    case 'delivered':
      return { status, chargeId };
    case 'unavailable':
    case 'payment_declined':
      return { status, reason };
    case 'failed':
      return { status, reason };
    case 'refunded':
    case 'cancelled':
    case 'needs_attention':
      return chargeId ? { status, chargeId, reason } : { status, reason };
  }
}
