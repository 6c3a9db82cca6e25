import type { Order, OrderStatus, StatusEntry } from '../../domain/orders/order.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { NoticeClaim } from '../../ports/order-store.ts';
import type {
  NoticeLedger,
  NoticeOutbox,
  NoticePublisher,
  StatusNotice,
  StatusNotices,
} from '../../ports/status-notices.ts';
import { statusChangeReply } from './replies.ts';

/**
 * Each status's place in an order's life: transitions only ever go up (PREDECESSORS), so a notice with a lower rank
 * than one already shown is old news.
 */
export const STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  received: 0,
  confirmed: 1,
  preparing: 2,
  out_for_delivery: 3,
  needs_attention: 4,
  delivered: 5,
  unavailable: 5,
  payment_declined: 5,
  refunded: 5,
  failed: 5,
  cancelled: 5,
};

export const noticeKey = (notice: Pick<StatusNotice, 'orderId' | 'status'>): string =>
  `${notice.orderId}:${notice.status}`;

/** The notice for a status change (the order as the task knows it, and the history entry just written). */
export function statusNotice(
  order: Pick<Order, 'id' | 'user' | 'quantity' | 'productName' | 'eta'>,
  entry: StatusEntry,
): StatusNotice {
  return {
    orderId: order.id,
    user: order.user,
    status: entry.status,
    rank: STATUS_RANK[entry.status],
    reply: statusChangeReply(order, entry),
    at: entry.at,
  };
}

export interface OutboxNoticesOptions {
  readonly publisher: NoticePublisher;
  readonly outbox: NoticeOutbox;
  readonly log: Logger;
  /** Tries per announce before leaving the notice to the outbox sweep (default 3). */
  readonly attempts?: number;
  /** Each try is abandoned after this long (default 10 s): a publish that hangs must not hold up the workflow. */
  readonly timeoutMs?: number;
  /** Wait before the second try, doubled each time (default 100 ms). */
  readonly backoffMs?: number;
}

/**
 * Publish, then mark: the status and its pending record were written together (the transition), so a notice is
 * never lost: what a publish that throws, times out or never happens (the process died) leaves pending is sent by
 * `flushOutbox` later. A notice may be published twice (a timed-out publish that did land); the relay drops the
 * copy by its key.
 */
export class OutboxNotices implements StatusNotices {
  readonly #options: OutboxNoticesOptions;
  /** Publishes still running, abandoned ones (timed out) included: shutdown waits for them before closing stores. */
  readonly #inFlight = new Set<Promise<boolean>>();

  constructor(options: OutboxNoticesOptions) {
    this.#options = options;
  }

  claimOnWrite(rank: number, nowMs: number): NoticeClaim | undefined {
    return this.#options.publisher.claimOnWrite?.(rank, nowMs);
  }

  async announce(notice: StatusNotice, held?: NoticeClaim): Promise<void> {
    const { attempts = 3, timeoutMs = 10_000, backoffMs = 100, log } = this.#options;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      // The held claim is for the first try only: after a failed or timed-out try a DM may still be on its way
      // under it, so a retry claims as any copy would (and finds it busy until shown, released or expired).
      if (await this.#tryPublish(notice, timeoutMs, attempt === 1 ? held : undefined)) {
        if (this.#options.publisher.clearsOutbox) return;
        try {
          await this.#options.outbox.published(notice.orderId, notice.status);
        } catch (error) {
          // Left pending: the sweep publishes it again and the relay drops the copy.
          log.warn({ err: error, order: notice.orderId, status: notice.status }, 'clearing a sent notice failed');
        }
        return;
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
    log.warn({ order: notice.orderId, status: notice.status }, 'status notice not published yet; the outbox keeps it');
  }

  /** Resolves once no publish runs, or after `maxMs` (a DM that hangs for ever must not hold up shutdown). */
  async settled(maxMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxMs);
    });
    try {
      while (this.#inFlight.size > 0) {
        const all = Promise.allSettled([...this.#inFlight]).then(() => 'done' as const);
        if ((await Promise.race([all, cap.then(() => 'cap' as const)])) === 'cap') return;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async #tryPublish(notice: StatusNotice, timeoutMs: number, held: NoticeClaim | undefined): Promise<boolean> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`publishing took over ${timeoutMs} ms`));
        resolve(false);
      }, timeoutMs);
    });
    const attempt = this.#options.publisher.publish(notice, controller.signal, held).catch((error: unknown) => {
      this.#options.log.warn({ err: error, order: notice.orderId, status: notice.status }, 'publishing failed');
      return false;
    });
    this.#inFlight.add(attempt);
    void attempt.finally(() => this.#inFlight.delete(attempt));
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface FlushDeps {
  readonly outbox: NoticeOutbox;
  readonly notices: StatusNotices;
  readonly now: () => Date;
  /** Only records older than this are swept, so a sweep does not race the announce that is still publishing. */
  readonly graceMs: number;
  /** Notices published at once (default 8). */
  readonly concurrency?: number;
}

/** The outbox sweep: announces every notice still pending (after a failed or never-made publish). */
export async function flushOutbox(deps: FlushDeps): Promise<number> {
  const before = new Date(deps.now().getTime() - deps.graceMs).toISOString();
  const notices = (await deps.outbox.pending(before)).flatMap(({ order, statuses }) =>
    statuses.flatMap((status) => {
      const entry = order.history.find((h) => h.status === status);
      return entry ? [statusNotice(order, entry)] : [];
    }),
  );
  let next = 0;
  const worker = async () => {
    for (let notice = notices[next++]; notice; notice = notices[next++]) await deps.notices.announce(notice);
  };
  await Promise.all(Array.from({ length: Math.min(notices.length, deps.concurrency ?? 8) }, worker));
  return notices.length;
}

export interface DeliverDeps {
  readonly ledger: NoticeLedger;
  readonly notifier: Notifier;
  readonly now: () => Date;
  /** How long a claim holds before another relay may take the notice over (default 60 s, above a DM's timeout). */
  readonly leaseMs?: number;
}

/**
 * `shown`: the DM went out, or the surface said it never can (no retry would change that); `skipped`: this notice
 * or a later one of the order was shown already (a duplicate or an out-of-order older status); `retry`: not now.
 */
export type DeliverOutcome = 'shown' | 'skipped' | 'retry';

const leaseOf = (deps: DeliverDeps): number => deps.leaseMs ?? 60_000;

export interface DeliverOptions {
  /** Also clears the notice's outbox record in the write that records it shown (one machine). */
  readonly clearOutbox?: boolean;
  /**
   * The claim the status write took for this notice (StatusNotices.claimOnWrite): no claim write. Used only while
   * it is unexpired and for this rank; the status was written just now, so no later one can have been shown yet.
   */
  readonly held?: NoticeClaim;
}

/**
 * Shows one notice at most once: claim it in the ledger (unless the status write holds the claim already), send the
 * DM, record it shown (or release the claim).
 */
export async function deliverNotice(
  deps: DeliverDeps,
  notice: StatusNotice,
  options: DeliverOptions = {},
): Promise<DeliverOutcome> {
  const nowMs = deps.now().getTime();
  const { held } = options;
  if (!(held && held.rank === notice.rank && held.until > nowMs)) {
    const claim = await deps.ledger.claim(notice.orderId, notice.rank, nowMs + leaseOf(deps), nowMs);
    if (claim === 'shown') return 'skipped';
    if (claim === 'busy') return 'retry';
  }
  const outcome = await deps.notifier.notify(notice.user, notice.reply);
  if (outcome === 'failed') {
    await deps.ledger.release(notice.orderId, notice.rank);
    return 'retry';
  }
  await deps.ledger.shown(notice.orderId, notice.rank, options.clearOutbox ? notice.status : undefined);
  return 'shown';
}

/**
 * One machine's publisher: the direct message itself, through the ledger (the outbox sweep may send a copy); the
 * write that records it shown also clears its outbox record.
 */
export class DirectNoticePublisher implements NoticePublisher {
  readonly clearsOutbox = true;
  readonly #deps: DeliverDeps & { readonly outbox: NoticeOutbox };

  constructor(deps: DeliverDeps & { readonly outbox: NoticeOutbox }) {
    this.#deps = deps;
  }

  /**
   * This process sends the DM: the status write may take its claim (one write fewer per status). A process that dies
   * between that write and the DM leaves the claim to expire: the next sweep sends it after the lease, not at once.
   */
  claimOnWrite(rank: number, nowMs: number): NoticeClaim {
    return { rank, until: nowMs + leaseOf(this.#deps) };
  }

  async publish(notice: StatusNotice, _signal?: AbortSignal, held?: NoticeClaim): Promise<boolean> {
    const outcome = await deliverNotice(this.#deps, notice, { clearOutbox: true, ...(held ? { held } : {}) });
    // Shown before (a copy, or the sweep after a publish that landed late): only the outbox record is left.
    if (outcome === 'skipped') await this.#deps.outbox.published(notice.orderId, notice.status);
    return outcome !== 'retry';
  }
}
