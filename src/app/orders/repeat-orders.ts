import { formatCents } from '../../domain/orders/money.ts';
import type { Order, OrderStatus } from '../../domain/orders/order.ts';
import { type AppError, appError } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';

/** An earlier order in these statuses still stands (or was delivered): the same again is probably a double click. */
const STANDING: readonly OrderStatus[] = ['received', 'confirmed', 'preparing', 'out_for_delivery', 'delivered'];
/** How many of the customer's latest orders are compared. */
const LOOK_BACK = 10;

const sameAddress = (a: string, b: string): boolean =>
  a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The customer's standing order in the same server with the same product, quantity and address placed within the
 * repeat window before `order` (not `order` itself: a second delivery of one interaction is not a repeat).
 */
export async function findRepeat(
  deps: Pick<OrderDeps, 'store' | 'repeatWindowMs'>,
  order: Order,
): Promise<Order | undefined> {
  const window = deps.repeatWindowMs ?? 0;
  if (window <= 0) return undefined;
  const since = Date.parse(order.createdAt) - window;
  const recent = await deps.store.listByUser(order.user, LOOK_BACK, order.space);
  return recent.find(
    (o) =>
      o.id !== order.id &&
      o.space === order.space &&
      Date.parse(o.createdAt) >= since &&
      STANDING.includes(o.status) &&
      o.productId === order.productId &&
      o.quantity === order.quantity &&
      sameAddress(o.address, order.address),
  );
}

/** A repeat's question, with the order it repeats (its buttons expire with the window that began there). */
export interface RepeatQuestion extends AppError {
  readonly first?: Pick<Order, 'id' | 'createdAt'>;
}

/** The question a repeat gets instead of a second order and charge. */
export function repeatQuestion(previous: Order, now: Date): RepeatQuestion {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(previous.createdAt)) / 1000));
  const question = appError(
    'order.confirm_repeat',
    `You ordered the same ${seconds} s ago: \`${previous.id}\`, ${previous.quantity} × ${previous.productName} to ` +
      `${previous.address} (${formatCents(previous.price.totalCents)}). Nothing new was ordered or charged.`,
    'To order the same again, press “Place it again” (or run /order again with the same options and confirm:yes).',
  );
  return { ...question, first: { id: previous.id, createdAt: previous.createdAt } };
}
