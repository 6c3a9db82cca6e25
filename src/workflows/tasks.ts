import { statusChangeReply } from '../app/orders/replies.ts';
import type { OrderId } from '../domain/ids.ts';
import {
  COURIER_STAGES,
  type CourierStage,
  type Order,
  type OrderDetails,
  type OrderState,
  type OrderStatus,
  PREDECESSORS,
} from '../domain/orders/order.ts';
import { type DeliveryZone, findZone } from '../domain/orders/zones.ts';
import type { Inventory } from '../ports/inventory.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { OrderStore } from '../ports/order-store.ts';
import type { CourierDispatch } from '../ports/order-workflow.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import { OrderMissing, PaymentDeclined, TransientError } from './errors.ts';

const PAID: ReadonlySet<string> = new Set(['confirmed', 'preparing', 'out_for_delivery', 'delivered']);

/** What the task handlers use; the same handlers run in-process and as the cloud's task Lambda. */
export interface TaskDeps {
  readonly orders: OrderStore;
  readonly inventory: Inventory;
  readonly payments: PaymentGateway;
  readonly notifier: Notifier;
  readonly couriers: CourierDispatch;
  readonly zones: readonly DeliveryZone[];
  readonly now: () => Date;
}

/**
 * One handler per task name. Each is idempotent: after a restart the execution replays from the start and
 * every step that already happened finds its trace (status, reservation, idempotent charge) and changes nothing.
 */
export const TASKS = {
  /** Loads the order once; later tasks work on this snapshot (`$.order`) instead of reading it again. */
  async validate(deps: TaskDeps, input: TaskInput): Promise<OrderSnapshot> {
    return snapshotOf(await load(deps, input.orderId));
  },

  async reserveStock(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    // Replayed after the order moved on: available only if it went on to be paid, not if it ended unavailable.
    if (order.status !== 'received') return { available: PAID.has(order.status) };
    const outcome = await deps.inventory.reserve(order.productId, order.id, order.quantity);
    return { available: outcome === 'reserved' };
  },

  async quoteDelivery(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const zone = findZone(deps.zones, order.address);
    return { deliverable: zone !== undefined, deliveryCents: zone?.feeCents ?? 0, eta: order.eta };
  },

  async markUnavailable(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    await deps.inventory.release(order.productId, order.id);
    const reason = 'Not enough stock (or the address left our delivery zones).';
    await move(
      deps,
      order,
      { status: 'unavailable', reason },
      'Sorry, we cannot fulfil this order right now: nothing was charged.',
    );
    return {};
  },

  async chargePayment(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const outcome = await deps.payments.charge({
      idempotencyKey: order.id,
      amountCents: order.totalCents,
      method: order.paymentMethod,
      description: `${order.quantity} × ${order.productName}`,
    });
    switch (outcome.status) {
      case 'succeeded':
        return { chargeId: outcome.chargeId };
      case 'declined':
        throw new PaymentDeclined(outcome.reason);
      case 'transient':
        throw new TransientError(outcome.reason);
    }
  },

  async releaseStock(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    await deps.inventory.release(order.productId, order.id);
    return {};
  },

  async markDeclined(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    const reason = input.error?.Cause || 'The payment was declined.';
    await move(deps, order, { status: 'payment_declined', reason }, `${reason} Nothing was charged.`);
    return {};
  },

  async confirmOrder(deps: TaskDeps, input: TaskInput) {
    const order = await snapshot(deps, input);
    await move(deps, order, { status: 'confirmed', chargeId: chargeOf(input) });
    return {};
  },

  async awaitCourier(deps: TaskDeps, input: TaskInput) {
    const stage = stageOf(input);
    // Conditional on the status before this step: a replay does not wait again for a step already reported.
    const waiting = await deps.orders.setAwaiting(
      input.orderId,
      { stage, token: input.token ?? '' },
      PREDECESSORS[stage],
    );
    if (waiting) deps.couriers.requested(input.orderId, stage);
    return { waiting };
  },

  async markStage(deps: TaskDeps, input: TaskInput) {
    const stage = stageOf(input);
    const order = await snapshot(deps, input);
    await move(deps, order, { status: stage, chargeId: chargeOf(input) });
    if (stage === 'delivered') await deps.inventory.settle(order.productId, order.id);
    return {};
  },

  async refundPayment(deps: TaskDeps, input: TaskInput) {
    const outcome = await deps.payments.refund(input.orderId);
    if (outcome.status === 'transient') throw new TransientError(outcome.reason);
    return { refunded: outcome.status === 'refunded' };
  },

  async markRefunded(deps: TaskDeps, input: TaskInput) {
    const order = await load(deps, input.orderId);
    const why = input.error?.Error === 'States.Timeout' ? 'No courier update arrived in time.' : 'A step failed.';
    const state: OrderState =
      'chargeId' in order
        ? { status: 'refunded', chargeId: order.chargeId, reason: why }
        : { status: 'refunded', reason: why };
    await move(deps, order, state, `${why} The order is cancelled and any payment refunded.`);
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
  readonly token?: string;
  readonly chargeId?: string;
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

/** Applies a transition once and notifies only when it applied: a replay sends no second message. */
async function move(
  deps: TaskDeps,
  order: Pick<Order, 'id' | 'user' | 'quantity' | 'productName' | 'eta'>,
  next: OrderState,
  note?: string,
): Promise<void> {
  const entry = { status: next.status, at: deps.now().toISOString(), ...(note ? { note } : {}) };
  const applied = await deps.orders.transition(order.id, PREDECESSORS[next.status], next, entry);
  // The outcome is the notifier's to log: a retried task finds the transition applied and would not notify again.
  if (applied) await deps.notifier.notify(order.user, statusChangeReply(order, entry));
}
