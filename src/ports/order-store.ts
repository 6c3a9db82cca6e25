import type { OrderId, UserId } from '../domain/ids.ts';
import type { AwaitingCourier, Order, OrderState, OrderStatus, StatusEntry } from '../domain/orders/order.ts';

/** A relay's claim on sending one status notice now (see NoticeLedger.claim): until `until` (epoch ms). */
export interface NoticeClaim {
  readonly rank: number;
  readonly until: number;
}

/** What a transition may write with the status, in the same conditional write. */
export interface TransitionExtras {
  /** The writer sends the new status's notice itself: it holds the claim from the start (no separate claim write). */
  readonly noticeClaim?: NoticeClaim;
  /** The courier step the workflow waits on next (instead of clearing `awaiting`). */
  readonly awaiting?: AwaitingCourier;
}

/** Orders with their status history. Every write is conditional, so replayed workflow steps change nothing. */
export interface OrderStore {
  /** Writes the order unless one with this id exists (a second delivery of the same interaction). */
  create(order: Order): Promise<'created' | 'exists'>;
  get(id: OrderId): Promise<Order | undefined>;
  /**
   * The user's orders, newest first. With `space`: only those placed in that server (and orders written before
   * orders had one).
   */
  listByUser(user: UserId, limit: number, space?: string): Promise<Order[]>;
  /** Every order (audits, invariant checks). */
  listAll(): Promise<Order[]>;
  /** Orders whose workflow has not finished (resumed after a restart). */
  listUnfinished(): Promise<Order[]>;
  /**
   * Moves the order to `next` and appends `entry` to its history, only from a status in `from`; clears `awaiting`.
   * Returns false when the order was not in one of those statuses (already applied, or too late). The same write
   * records the status's notice as pending (the outbox, see NoticeOutbox). A move to `delivered` also requires that
   * no compensation has begun (`markCompensating`): false when one has. `also` adds fields to the same write.
   */
  transition(
    id: OrderId,
    from: readonly OrderStatus[],
    next: OrderState,
    entry: StatusEntry,
    also?: TransitionExtras,
  ): Promise<boolean>;
  /**
   * Records, in one conditional write, that a compensation (void or refund) begins, only while the order is not
   * delivered; from then on it can never become delivered. `delivered`: too late, nothing was marked and nothing may
   * be refunded. Repeating it changes nothing (retry-safe). Never a refund after delivered, with no read in between.
   */
  markCompensating(id: OrderId, at: string): Promise<'marked' | 'delivered' | 'not_found'>;
  /**
   * Records the courier step the workflow waits on, only while the status is one of `onlyFrom`
   * (false: the step already happened, e.g. in a replay).
   */
  setAwaiting(id: OrderId, awaiting: AwaitingCourier, onlyFrom: readonly OrderStatus[]): Promise<boolean>;
  clearAwaiting(id: OrderId): Promise<void>;
  /** Changes the address only while the status is one of `allowedFrom`. */
  changeAddress(
    id: OrderId,
    change: { readonly address: string; readonly zoneId: string },
    allowedFrom: readonly OrderStatus[],
  ): Promise<'changed' | 'too_late' | 'not_found'>;
}
