import type { OrderId, UserId } from '../../domain/ids.ts';
import { isFinished, type Order } from '../../domain/orders/order.ts';
import { etaFor, priceOrder } from '../../domain/orders/pricing.ts';
import { type OrderRequest, validateOrder } from '../../domain/orders/validate.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';

export interface PlaceOrderInput {
  /** Derived from the interaction id (`orderIdFor`): the same interaction always yields the same order. */
  readonly orderId: OrderId;
  readonly user: UserId;
  readonly request: OrderRequest;
}

export interface PlacedOrder {
  readonly order: Order;
  /** True when this interaction had already created the order (a second delivery): nothing new was written. */
  readonly repeated: boolean;
}

/** Validates, writes the order once (conditional create) and starts its workflow (named after the order). */
export async function placeOrder(
  deps: Pick<
    OrderDeps,
    'store' | 'inventory' | 'workflow' | 'zones' | 'maxQuantity' | 'preparationMinutes' | 'now' | 'paymentMethods'
  >,
  input: PlaceOrderInput,
): Promise<Result<PlacedOrder>> {
  const { request } = input;
  if (deps.paymentMethods.length > 0 && !deps.paymentMethods.some((m) => m.value === request.paymentMethod)) {
    const known = deps.paymentMethods.map((m) => m.value).join(', ');
    return err(
      appError(
        'order.bad_payment_method',
        `Unknown payment method “${request.paymentMethod}”.`,
        `Use one of: ${known}.`,
      ),
    );
  }
  const product = await deps.inventory.get(request.productId.trim().toLowerCase());
  const valid = validateOrder(request, product, { maxQuantity: deps.maxQuantity, zones: deps.zones });
  if (!valid.ok) {
    // A repeated interaction whose input no longer validates (stock or catalog changed) still gets its order.
    const existing = await deps.store.get(input.orderId);
    if (existing) return resume(deps, existing, input.user);
    if (valid.error.code !== 'order.unknown_product') return valid;
    const ids = (await deps.inventory.list()).map((p) => p.id);
    return err(appError(valid.error.code, valid.error.message, `Products: ${ids.join(', ')}.`));
  }

  const { zone, quantity } = valid.value;
  const now = deps.now();
  const order: Order = {
    id: input.orderId,
    user: input.user,
    productId: valid.value.product.id,
    productName: valid.value.product.name,
    quantity,
    address: valid.value.address,
    zoneId: zone.id,
    paymentMethod: valid.value.paymentMethod,
    ...(valid.value.note === undefined ? {} : { note: valid.value.note }),
    price: priceOrder(valid.value.product.priceCents, quantity, zone),
    createdAt: now.toISOString(),
    eta: etaFor(now, zone, deps.preparationMinutes).toISOString(),
    status: 'received',
    history: [{ status: 'received', at: now.toISOString() }],
  };
  if ((await deps.store.create(order)) === 'exists') {
    const winner = await deps.store.get(order.id);
    if (winner) return resume(deps, winner, input.user);
  }
  await startOrLeaveToReconciler(deps, order);
  return ok({ order, repeated: false });
}

/** A repeated interaction: answer with the order it created; make sure its workflow runs (a crash may have cut it). */
async function resume(deps: Pick<OrderDeps, 'workflow'>, order: Order, user: UserId): Promise<Result<PlacedOrder>> {
  if (order.user !== user) {
    return err(appError('order.conflict', 'This interaction belongs to another order.', 'Run /order again.'));
  }
  if (!isFinished(order.status)) await startOrLeaveToReconciler(deps, order);
  return ok({ order, repeated: true });
}

/**
 * The row is written: if starting its workflow fails now (Step Functions throttled or unreachable), the reconciler
 * starts it later, so the customer still has an order and nothing is charged twice (the execution is named after it).
 */
async function startOrLeaveToReconciler(deps: Pick<OrderDeps, 'workflow'>, order: Order): Promise<void> {
  try {
    await deps.workflow.start(order.id, order);
  } catch {
    // Left to the reconciler (it lists orders still "received" with no execution).
  }
}
