import { STATUS_RANK, statusNotice } from '../app/orders/status-notices.ts';
import type { OrderId } from '../domain/ids.ts';
import {
  COURIER_STAGES,
  type CourierStage,
  isFinished,
  type Order,
  type OrderDetails,
  type OrderState,
  type OrderStatus,
  PREDECESSORS,
} from '../domain/orders/order.ts';
import { type DeliveryZone, findZone } from '../domain/orders/zones.ts';
import type { Inventory } from '../ports/inventory.ts';
import type { OrderStore, TransitionExtras } from '../ports/order-store.ts';
import type { CourierDispatch } from '../ports/order-workflow.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { StatusNotices } from '../ports/status-notices.ts';
import {
  AlreadyCompensated,
  AlreadyDelivered,
  CANCELLED_BY_CUSTOMER,
  CompensationStarted,
  OrderMissing,
  PaymentDeclined,
  TransientError,
} from './errors.ts';
import { type CauseCode, causeSentence, failureCauseCode, moneySentence } from './task-messages.ts';

/** What the task handlers use; the same handlers run in-process and as the cloud's task Lambda. */
export interface TaskDeps {
  readonly orders: OrderStore;
  readonly inventory: Inventory;
  readonly payments: PaymentGateway;
  /** Status DMs, through the outbox (at least once; the relay shows each once). */
  readonly notices: StatusNotices;
  readonly couriers: CourierDispatch;
  readonly zones: readonly DeliveryZone[];
  readonly now: () => Date;
  /** Each applied transition, once (metrics); replays that change nothing are not reported. */
  readonly onStatus?: (status: OrderState['status']) => void;
}

/**
 * One handler per task name. Each is idempotent: after a restart the execution replays from the start and every
 * step that already happened finds its trace (status, reservation item, payment record) and changes nothing. A
 * step that finds a compensation already ran (payment cancelled, reservation released) throws AlreadyCompensated,
 * so the replay finishes the compensation instead of carrying on as paid.
 */
export const TASKS = {
  /** Loads the order once; later tasks work on this snapshot (`$.order`) instead of reading it again. */
  async validate(deps: TaskDeps, input: TaskInput): Promise<OrderSnapshot> {
    return snapshotOf(await load(deps, input.orderId));
  },

  async quoteDelivery(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const zone = findZone(deps.zones, order.address);
    return { deliverable: zone !== undefined, deliveryCents: zone?.feeCents ?? 0, eta: order.eta };
  },

  /** Holds the amount on the card (no stock is held before this succeeds). */
  async authorizePayment(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const outcome = await deps.payments.authorize({
      idempotencyKey: order.id,
      amountCents: order.totalCents,
      method: order.paymentMethod,
      description: `${order.quantity} × ${order.productName}`,
    });
    switch (outcome.status) {
      case 'authorized':
        return { chargeId: outcome.chargeId };
      case 'declined':
        throw new PaymentDeclined(outcome.reason);
      case 'cancelled':
        throw new AlreadyCompensated(`the payment of order ${order.id} was cancelled before`);
      case 'transient':
        throw new TransientError(outcome.reason);
    }
  },

  async reserveStock(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const outcome = await deps.inventory.reserve(order.productId, order.id, order.quantity);
    if (outcome === 'released') throw new AlreadyCompensated(`the stock of order ${order.id} was released before`);
    return { available: outcome === 'reserved' };
  },

  async capturePayment(deps: TaskDeps, input: TaskInput) {
    const outcome = await deps.payments.capture(input.orderId);
    switch (outcome.status) {
      case 'captured':
        return { chargeId: outcome.chargeId };
      case 'not_capturable':
        throw new AlreadyCompensated(`the payment of order ${input.orderId} is ${outcome.stage}`);
      case 'transient':
        throw new TransientError(outcome.reason);
    }
  },

  /** Voids the authorization, refunds a capture, or leaves the tombstone a late authorize respects. */
  async cancelPayment(deps: TaskDeps, input: TaskInput) {
    // Never a refund after delivered: the marker is written only if the order is not delivered, and once it is
    // there the order can no longer become delivered (one conditional write each, no read in between). A late
    // compensation (a second execution, a stale timeout) stops here.
    const marked = await deps.orders.markCompensating(input.orderId, deps.now().toISOString());
    if (marked === 'delivered') throw new AlreadyDelivered(`order ${input.orderId} was delivered`);
    const outcome = await deps.payments.cancel(input.orderId);
    if (outcome.status === 'transient') throw new TransientError(outcome.reason);
    return { payment: outcome.status };
  },

  async releaseStock(deps: TaskDeps, input: TaskInput) {
    const order = input.order ?? (await load(deps, input.orderId));
    await deps.inventory.release(order.productId, input.orderId);
    return {};
  },

  async markUnavailable(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    await deps.inventory.release(order.productId, order.id);
    // The Choice state that led here says which of the two it was: the DM names that one only.
    const cause: CauseCode = input.cause === 'zone' ? 'order.no_delivery_zone' : 'order.out_of_stock';
    const reason = causeSentence(cause, order);
    const money = moneySentence(await deps.payments.lookup(order.id));
    await move(deps, order, { status: 'unavailable', reason }, `${reason} ${money}`, cause);
    return {};
  },

  async markDeclined(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const reason = input.error?.Cause || 'The payment was declined.';
    await move(
      deps,
      order,
      { status: 'payment_declined', reason },
      `${reason} Nothing was charged.`,
      'payment.declined',
    );
    return {};
  },

  /** Kept for executions started on a definition before `advanceAndAwait` (a deploy does not migrate them). */
  async confirmOrder(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    await move(deps, order, { status: 'confirmed', chargeId: chargeOf(input) });
    return {};
  },

  /**
   * A courier step's status and the wait for the next step in ONE conditional write (a `.waitForTaskToken` state):
   * `status` (confirmed, preparing or out_for_delivery) with its history entry and outbox record, and
   * `awaiting = {stage: next, token}`. A replay finds the status applied and falls back to the conditional
   * `setAwaiting` of the next step, so a step the courier already reported is not awaited (nor announced) again.
   */
  async advanceAndAwait(deps: TaskDeps, input: TaskInput) {
    const status = advanceStatusOf(input);
    const stage = NEXT_COURIER_STAGE[status];
    const order = await snapshot(deps, input);
    if (!input.token) throw new Error(`task ${input.task} needs the task token ($$.Task.Token in its Payload)`);
    const awaiting = { stage, token: input.token };
    const applied = await move(deps, order, { status, chargeId: chargeOf(input) }, undefined, undefined, { awaiting });
    const waiting = applied || (await deps.orders.setAwaiting(order.id, awaiting, PREDECESSORS[stage]));
    if (waiting) deps.couriers.requested(order.id, stage, awaiting.token);
    return { waiting };
  },

  /** Kept for executions started on a definition before `advanceAndAwait` (a deploy does not migrate them). */
  async awaitCourier(deps: TaskDeps, input: TaskInput) {
    const stage = stageOf(input);
    // Conditional on the status before this step: a replay does not wait again for a step already reported.
    const waiting = await deps.orders.setAwaiting(
      input.orderId,
      { stage, token: input.token ?? '' },
      PREDECESSORS[stage],
    );
    if (waiting) deps.couriers.requested(input.orderId, stage, input.token ?? '');
    return { waiting };
  },

  async markStage(deps: TaskDeps, input: TaskInput) {
    const stage = stageOf(input);
    const order = await snapshot(deps, input);
    const applied = await move(deps, order, { status: stage, chargeId: chargeOf(input) });
    if (stage !== 'delivered') return {};
    // Refused: a compensation began first (markCompensating), so the stock is not settled and the Catch leads to
    // staff; a replay of a delivery that did apply finds the order delivered and settles (idempotent).
    if (!applied && (await load(deps, order.id)).status !== 'delivered') {
      throw new CompensationStarted(`order ${order.id} is being refunded; it was not marked delivered`);
    }
    await deps.inventory.settle(order.productId, order.id);
    return {};
  },

  /** The end of every compensation: the status follows what the payment provider actually did. */
  async markCompensated(deps: TaskDeps, input: TaskInput) {
    const order = await load(deps, input.orderId);
    if (isFinished(order.status)) return {};
    const payment = await deps.payments.lookup(order.id);
    const cause = failureCauseCode(input);
    const reason = causeSentence(cause, order);
    const chargeId = payment?.stage === 'refunded' ? payment.chargeId : undefined;
    const withCharge = chargeId === undefined ? {} : { chargeId };
    const state: OrderState =
      input.error?.Error === CANCELLED_BY_CUSTOMER
        ? { status: 'cancelled', reason, ...withCharge }
        : payment?.stage === 'refunded'
          ? { status: 'refunded', reason, ...withCharge }
          : { status: 'failed', reason };
    await move(deps, order, state, `${reason} ${moneySentence(payment)}`, cause);
    return {};
  },

  /** Compensation failed after its retries: the order is marked for staff and the customer told so. */
  async markNeedsAttention(deps: TaskDeps, input: TaskInput) {
    const order = await load(deps, input.orderId);
    if (isFinished(order.status)) return {};
    const reason = `${input.error?.Error ?? 'Error'}: ${(input.error?.Cause ?? '').slice(0, 300)}`;
    const state: OrderState =
      'chargeId' in order
        ? { status: 'needs_attention', chargeId: order.chargeId, reason }
        : { status: 'needs_attention', reason };
    await move(
      deps,
      order,
      state,
      'Something went wrong with this order. Our staff have been alerted and will sort out the payment; you do not need to do anything.',
    );
    return {};
  },
} as const;

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** What the tasks need of an order, carried in the execution's state as `$.order`. */
export type OrderSnapshot = Pick<
  OrderDetails,
  'id' | 'user' | 'productId' | 'productName' | 'quantity' | 'address' | 'paymentMethod' | 'eta'
> & {
  readonly totalCents: number;
  readonly status: OrderStatus;
};

/** The snapshot `validate` returns for an order (a runner that already holds the order builds it without a read). */
export function snapshotOf(order: Order): OrderSnapshot {
  return {
    id: order.id,
    user: order.user,
    productId: order.productId,
    productName: order.productName,
    quantity: order.quantity,
    address: order.address,
    paymentMethod: order.paymentMethod,
    totalCents: order.price.totalCents,
    eta: order.eta,
    status: order.status,
  };
}

export interface TaskInput {
  readonly task: TaskName;
  readonly orderId: OrderId;
  readonly order?: OrderSnapshot;
  readonly stage?: string;
  /** advanceAndAwait: the status it moves to (the courier step after it is awaited). */
  readonly status?: string;
  readonly token?: string;
  readonly chargeId?: string;
  readonly cause?: string;
  readonly failedStep?: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** The entry point both runners call: checks the input shape, then runs the named task. */
export async function runTask(deps: TaskDeps, raw: unknown): Promise<Record<string, unknown>> {
  const input = raw as Partial<TaskInput> | null;
  if (!input || typeof input !== 'object' || typeof input.orderId !== 'string' || !isTaskName(input.task)) {
    throw new Error(`Bad task input: ${JSON.stringify(raw)}`);
  }
  return TASKS[input.task](deps, input as TaskInput);
}

export const isTaskName = (name: unknown): name is TaskName => typeof name === 'string' && Object.hasOwn(TASKS, name);

async function snapshot(deps: TaskDeps, input: TaskInput): Promise<OrderSnapshot> {
  return input.order ?? TASKS.validate(deps, input);
}

function chargeOf(input: TaskInput): string {
  if (!input.chargeId) throw new Error(`task ${input.task} needs the chargeId of the payment step`);
  return input.chargeId;
}

async function load(deps: TaskDeps, id: OrderId): Promise<Order> {
  const order = await deps.orders.get(id);
  if (!order) throw new OrderMissing(`order ${id} does not exist`);
  return order;
}

function stageOf(input: TaskInput): CourierStage {
  const stage = COURIER_STAGES.find((s) => s === input.stage);
  if (!stage) throw new Error(`Bad courier stage: ${String(input.stage)}`);
  return stage;
}

/** The statuses `advanceAndAwait` moves to, each with the courier step awaited after it. */
const NEXT_COURIER_STAGE = {
  confirmed: 'preparing',
  preparing: 'out_for_delivery',
  out_for_delivery: 'delivered',
} as const satisfies Partial<Record<OrderStatus, CourierStage>>;

function advanceStatusOf(input: TaskInput): keyof typeof NEXT_COURIER_STAGE {
  const status = input.status;
  if (status === undefined || !Object.hasOwn(NEXT_COURIER_STAGE, status)) {
    throw new Error(
      `Bad status for ${input.task}: ${String(status)} (one of ${Object.keys(NEXT_COURIER_STAGE).join(', ')})`,
    );
  }
  return status as keyof typeof NEXT_COURIER_STAGE;
}

/** Applies a transition once and notifies only when it applied: a replay sends no second message. */
async function move(
  deps: TaskDeps,
  order: Pick<Order, 'id' | 'user' | 'quantity' | 'productName' | 'eta'>,
  next: OrderState,
  note?: string,
  cause?: CauseCode,
  also?: TransitionExtras,
): Promise<boolean> {
  const entry = {
    status: next.status,
    at: deps.now().toISOString(),
    ...(note ? { note } : {}),
    ...(cause ? { cause } : {}),
  };
  // One machine sends the DM itself: the status write takes the notice's claim too (no claim write of its own).
  const claim = deps.notices.claimOnWrite(STATUS_RANK[next.status], Date.parse(entry.at));
  const extras: TransitionExtras = { ...also, ...(claim ? { noticeClaim: claim } : {}) };
  const applied = await deps.orders.transition(order.id, PREDECESSORS[next.status], next, entry, extras);
  // A replay that finds the transition applied announces nothing: the outbox record written with it does.
  if (applied) deps.onStatus?.(next.status);
  if (applied) await deps.notices.announce(statusNotice(order, entry), claim);
  return applied;
}
