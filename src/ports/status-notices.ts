import type { Reply } from '../chat/reply.ts';
import type { OrderId, UserId } from '../domain/ids.ts';
import type { Order, OrderStatus } from '../domain/orders/order.ts';
import type { NoticeClaim } from './order-store.ts';

/**
 * The direct message about one status change. `(orderId, status)` is its dedupe key: an order reaches each status
 * at most once. `rank` orders an order's notices (a later status has a higher rank), so an older one that arrives
 * after a newer one was shown is dropped.
 */
export interface StatusNotice {
  readonly orderId: OrderId;
  readonly user: UserId;
  readonly status: OrderStatus;
  readonly rank: number;
  readonly reply: Reply;
  /** ISO-8601: when the status changed. */
  readonly at: string;
}

/** What the workflow calls after a status change it applied. Never throws: the outbox keeps what it could not send. */
export interface StatusNotices {
  /**
   * The claim the status write may take for its own notice (`OrderStore.transition`'s `also.noticeClaim`), or
   * undefined: only when this process sends the DM itself (one machine). A remote relay (SNS -> SQS) claims for
   * itself; a claim taken here would make it see "busy" for a whole lease.
   */
  claimOnWrite(rank: number, nowMs: number): NoticeClaim | undefined;
  /** `held`: the claim the status write took (claimOnWrite); the first try sends without claiming again. */
  announce(notice: StatusNotice, held?: NoticeClaim): Promise<void>;
}

/**
 * Hands a notice on toward the customer: the SNS topic in the cloud, the direct message itself on one machine.
 * Resolves true once the hand-off is durable (published, or the DM shown or refused), false to try again later;
 * may throw (the same as false). Publishing one notice twice is allowed: the relay drops the second.
 */
export interface NoticePublisher {
  /** `held`: the claim on this notice the status write took, still to be used (first try only). */
  publish(notice: StatusNotice, signal: AbortSignal, held?: NoticeClaim): Promise<boolean>;
  /** Present only on a publisher that sends the DM itself: the claim a status write may take for it. */
  claimOnWrite?(rank: number, nowMs: number): NoticeClaim | undefined;
  /** True when a successful publish already cleared the outbox record (it showed the DM and cleared it at once). */
  readonly clearsOutbox?: boolean;
}

/** An order with the statuses whose notices are not published yet. */
export interface PendingNotices {
  readonly order: Order;
  readonly statuses: readonly OrderStatus[];
}

/**
 * The outbox. `OrderStore.transition` writes the pending record in the same conditional write as the status; this
 * port finds what is still pending and clears a record once its notice is published.
 */
export interface NoticeOutbox {
  /** Orders with a notice pending since before `before` (ISO-8601). */
  pending(before: string): Promise<PendingNotices[]>;
  published(order: OrderId, status: OrderStatus): Promise<void>;
}

/**
 * Which notices a customer was shown, per order: the relay claims a notice before sending its DM (so two copies in
 * flight send one DM), marks it shown after, and releases the claim when the DM failed. A claim expires at
 * `leaseUntilMs` so a relay that died holding one does not block the notice forever.
 * - `claimed`: send it now.  - `shown`: this notice or a later one was shown: drop it.  - `busy`: another relay
 *   holds a claim on this order: try again later.
 */
export interface NoticeLedger {
  claim(order: OrderId, rank: number, leaseUntilMs: number, nowMs: number): Promise<'claimed' | 'shown' | 'busy'>;
  /**
   * Records the notice shown (the highest rank shown only goes up) and clears its claim, unless a newer notice's
   * claim replaced it (a status write's claim, see StatusNotices.claimOnWrite): that one is left alone.
   * `clears`: also clears its outbox record in the same write (one machine).
   */
  shown(order: OrderId, rank: number, clears?: OrderStatus): Promise<void>;
  release(order: OrderId, rank: number): Promise<void>;
}
