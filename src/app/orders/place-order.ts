import type { OrderId, UserId } from '../../domain/ids.ts';
import { checkTextLimits } from '../../domain/orders/limits.ts';
import { isFinished, type Order } from '../../domain/orders/order.ts';
import { etaFor, priceOrder } from '../../domain/orders/pricing.ts';
import { type OrderRequest, validateOrder } from '../../domain/orders/validate.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import type { OrderDeps } from './deps.ts';
import { findRepeat, type RepeatQuestion, repeatQuestion } from './repeat-orders.ts';

export interface PlaceOrderInput {
  /** Derived from the interaction id (`orderIdFor`): the same interaction always yields the same order. */
  readonly orderId: OrderId;
  readonly user: UserId;
  /** The server it is placed in (`orderSpaceOf`): its staff deliver it, its customer sees it there. */
  readonly space?: string;
  readonly request: OrderRequest;
  /** The customer confirmed a second identical order within the repeat window (`confirm:yes`). */
  readonly confirmed?: boolean;
}

export interface PlacedOrder {
  readonly order: Order;
  /** True when this interaction had already created the order (a second delivery): nothing new was written. */
  readonly repeated: boolean;
}

type PlaceDeps = Pick<
  OrderDeps,
  | 'store'
  | 'inventory'
  | 'workflow'
  | 'zones'
  | 'maxQuantity'
  | 'preparationMinutes'
  | 'now'
  | 'paymentMethods'
  | 'repeatWindowMs'
>;

/**
 * One customer's submissions in one server run one at a time in this process, so of two identical submits racing
 * (a double click) the second sees the first's order and asks to confirm. Discord shards by guild and Slack by
 * workspace, so one customer's submissions in one server reach one process.
 */
const submissions = new KeyedMutex();

/**
 * Validates, writes the order once (conditional create) and starts its workflow (named after the order). What can
 * be known at once is answered at once, before anything is written or charged: an unknown product, a quantity out
 * of range, too little stock, an address outside the zones, a test card that always declines, and a repeat of the
 * same order within the repeat window (unless confirmed).
 */
export async function placeOrder(
  deps: PlaceDeps,
  input: PlaceOrderInput,
): Promise<Result<PlacedOrder, RepeatQuestion>> {
  const { request } = input;
  const bounded = checkTextLimits({
    product: request.productId,
    address: request.address,
    note: request.note,
  });
  if (!bounded.ok) return bounded;
  const method = deps.paymentMethods.find((m) => m.value === request.paymentMethod);
  if (deps.paymentMethods.length > 0 && !method) {
    const known = deps.paymentMethods.map((m) => m.value).join(', ');
    return err(
      appError(
        'order.bad_payment_method',
        `Unknown payment method “${request.paymentMethod}”.`,
        `Use one of: ${known}.`,
      ),
    );
  }
  // The first await of every submission: concurrent submissions all read the stock before any of them reserves.
  const product = await deps.inventory.get(request.productId.trim().toLowerCase());
  const valid = validateOrder(request, product, { maxQuantity: deps.maxQuantity, zones: deps.zones });
  const refusal = valid.ok ? declinedAtOnce(method) : valid.error;
  if (refusal || !valid.ok) {
    // A repeated interaction whose input no longer validates (stock or catalog changed) still gets its order.
    const existing = await deps.store.get(input.orderId);
    if (existing) return resume(deps, existing, input.user);
    const error = refusal ?? appError('order.invalid', 'The order is not valid.');
    if (error.code !== 'order.unknown_product') return err(error);
    const ids = (await deps.inventory.list()).map((p) => p.id);
    return err(appError(error.code, error.message, `Products: ${ids.join(', ')}.`));
  }

  const { zone, quantity } = valid.value;
  if (deps.workflow.busy?.()) {
    // Nothing written, nothing charged: the same /order a few seconds later goes through.
    return err(
      appError(
        'order.busy',
        'We are taking more orders than we can confirm right now, so this one was not placed. Nothing was charged.',
        'Try the same /order again in a few seconds.',
      ),
    );
  }
  return submissions.run(`${input.user}\u0000${input.space ?? ''}`, async () => {
    const now = deps.now();
    const order: Order = {
      id: input.orderId,
      user: input.user,
      ...(input.space === undefined ? {} : { space: input.space }),
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
    if (!input.confirmed) {
      const twin = await findRepeat(deps, order);
      if (twin) return err(repeatQuestion(twin, now));
    }
    if ((await deps.store.create(order)) === 'exists') {
      const winner = await deps.store.get(order.id);
      if (winner) return resume(deps, winner, input.user);
    }
    await startOrLeaveToReconciler(deps, order);
    return ok({ order, repeated: false });
  });
}

/** A sandbox test card that always declines is refused before any order or payment exists. */
function declinedAtOnce(method: PaymentDeps | undefined): AppError | undefined {
  if (!method?.alwaysDeclines) return undefined;
  return appError(
    'order.payment_declined',
    `The card was declined: \`${method.value}\` is a test card that always declines. Nothing was charged.`,
    'Pick another payment method.',
  );
}

type PaymentDeps = PlaceDeps['paymentMethods'][number];

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
