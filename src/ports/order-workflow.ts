import type { OrderId } from '../domain/ids.ts';
import type { CourierStage, Order } from '../domain/orders/order.ts';

/** Runs an order's state machine: Step Functions in the cloud, the in-process runner on one machine. */
export interface OrderWorkflow {
  /**
   * Starts the execution named after the order; starting it again does not create a second one. `known` is the
   * order as the caller just wrote or read it: a runner may use it instead of reading the order again.
   */
  start(order: OrderId, known?: Order): Promise<'started' | 'already_started'>;
  /** Completes a waiting courier task. False when no execution waits on this token (stale or unknown). */
  completeTask(token: string, output: { readonly stage: CourierStage }): Promise<boolean>;
  /**
   * Fails a waiting courier task with `error` (its Catch runs the compensation). False when nothing waits on it.
   * A courier's own failure is named `Courier…` (e.g. `CourierGaveUp`): the customer's DM then names the courier
   * step, not the status write that shares its state.
   */
  failTask(token: string, error: string, cause: string): Promise<boolean>;
  /**
   * True while the runner has as much work in hand as it can finish in time (the in-process runner's backlog is
   * full): a new order is then refused with "busy, try again" before anything is written or charged, instead of
   * queueing behind thousands of others. Absent: never busy (Step Functions scales by itself).
   */
  busy?(): boolean;
}

/** Where the workflow asks for a courier step (a demo courier, a courier app, or nobody: staff use /deliver). */
export interface CourierDispatch {
  /** `token` completes the waiting task directly (`OrderWorkflow.completeTask`), without reading the order. */
  requested(order: OrderId, stage: CourierStage, token: string): void;
}
