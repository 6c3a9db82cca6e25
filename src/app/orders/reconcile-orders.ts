import type { OrderId } from '../../domain/ids.ts';
import { type Order, PREDECESSORS } from '../../domain/orders/order.ts';
import type { Logger } from '../../ports/logger.ts';
import type { OrderStore } from '../../ports/order-store.ts';
import type { StatusNotices } from '../../ports/status-notices.ts';
import { STATUS_RANK, statusNotice } from './status-notices.ts';

/** Where an order's workflow stands, as its runner knows it. */
export type ExecutionState =
  | { readonly status: 'running' }
  /** No execution was ever started for it (or, on one machine, none runs in this process). */
  | { readonly status: 'missing' }
  /**
   * The latest execution ended (failed, timed out, aborted; or succeeded without a final status). `redrivable`:
   * it can continue from the failed state; `attempts`: executions and redrives so far; `ref`: the runner's handle.
   */
  | { readonly status: 'ended'; readonly redrivable: boolean; readonly attempts: number; readonly ref: string };

/** The reconciler's view of a workflow runner: Step Functions in the cloud, the in-process runner on one machine. */
export interface OrderExecutions {
  state(order: Order): Promise<ExecutionState>;
  /** Continues the ended execution from the state that failed (Step Functions RedriveExecution). */
  redrive(order: Order, ref: string): Promise<void>;
  /** A fresh execution (the tasks are idempotent: it replays what happened and finishes the rest). */
  restart(order: Order, after?: string): Promise<'started' | 'running'>;
}

export interface ReconcileDeps {
  readonly store: Pick<OrderStore, 'listUnfinished' | 'transition'>;
  readonly executions: OrderExecutions;
  readonly notices: StatusNotices;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface ReconcileOptions {
  /**
   * A "received" order with no execution is left alone this long (its start may still be on the way); 0 on one
   * machine, where the runner knows every execution it started.
   */
  readonly staleReceivedMs: number;
  /** After this many executions and redrives the order goes to staff (`needs_attention`) instead of another try. */
  readonly maxAttempts: number;
  /** Stops early (a dead process reconciles nothing). */
  readonly shouldStop?: () => boolean;
}

export interface ReconcileReport {
  readonly unfinished: number;
  readonly running: number;
  readonly started: number;
  readonly redriven: number;
  readonly restarted: number;
  readonly gaveUp: number;
  /** Orders still "received" past `staleReceivedMs` when the pass began (the stuck-orders metric). */
  readonly stuckReceived: number;
}

/**
 * Finds every unfinished order whose workflow is gone and finishes it: a redrive where the runner can continue the
 * failed execution, a fresh execution otherwise, and after `maxAttempts` a visible `needs_attention` for staff.
 * Orders already with staff are left to them. One use case for both runners (the bot's timer on one machine, a
 * scheduled Lambda in the cloud).
 */
export async function reconcileOrders(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const nowMs = deps.now().getTime();
  const orders = (await deps.store.listUnfinished()).filter((o) => o.status !== 'needs_attention');
  const report = { unfinished: orders.length, running: 0, started: 0, redriven: 0, restarted: 0, gaveUp: 0 };
  const stale = (order: Order) => nowMs - Date.parse(order.createdAt) >= options.staleReceivedMs;
  const stuckReceived = orders.filter((o) => o.status === 'received' && stale(o)).length;
  for (const order of orders) {
    if (options.shouldStop?.()) break;
    try {
      await reconcileOne(deps, options, order, report, stale(order));
    } catch (error) {
      // One order's trouble (a throttled API) must not stop the pass: the next pass tries it again.
      deps.log.warn({ err: error, order: order.id }, 'reconciling an order failed');
    }
  }
  if (report.started + report.redriven + report.restarted + report.gaveUp > 0) {
    deps.log.info({ ...report, stuckReceived }, 'reconciled unfinished orders');
  }
  return { ...report, stuckReceived };
}

type Counts = { -readonly [K in Exclude<keyof ReconcileReport, 'stuckReceived'>]: number };

async function reconcileOne(
  deps: ReconcileDeps,
  options: ReconcileOptions,
  order: Order,
  report: Counts,
  stale: boolean,
): Promise<void> {
  const state = await deps.executions.state(order);
  switch (state.status) {
    case 'running':
      report.running += 1;
      return;
    case 'missing':
      if (order.status === 'received' && !stale) return;
      if ((await deps.executions.restart(order)) === 'started') report.started += 1;
      return;
    case 'ended':
      if (state.attempts >= options.maxAttempts) {
        if (await giveUp(deps, order, state.attempts)) report.gaveUp += 1;
      } else if (state.redrivable) {
        await deps.executions.redrive(order, state.ref);
        report.redriven += 1;
      } else if ((await deps.executions.restart(order, state.ref)) === 'started') {
        report.restarted += 1;
      }
  }
}

/** The order goes to staff, visibly (the customer is told), with whatever charge it has. */
async function giveUp(deps: ReconcileDeps, order: Order, attempts: number): Promise<boolean> {
  const reason = `Its workflow failed ${attempts} times; the reconciler stopped retrying.`;
  const entry = {
    status: 'needs_attention' as const,
    at: deps.now().toISOString(),
    note: 'Something went wrong with this order. Our staff have been alerted and will sort it out; you do not need to do anything.',
  };
  const state =
    'chargeId' in order
      ? { status: 'needs_attention' as const, chargeId: order.chargeId, reason }
      : { status: 'needs_attention' as const, reason };
  // As the workflow's own status writes: the write takes the notice's claim when this process sends the DM.
  const claim = deps.notices.claimOnWrite(STATUS_RANK.needs_attention, Date.parse(entry.at));
  const also = claim ? { noticeClaim: claim } : {};
  const applied = await deps.store.transition(order.id, PREDECESSORS.needs_attention, state, entry, also);
  if (applied) await deps.notices.announce(statusNotice(order, entry), claim);
  deps.log.warn({ order: order.id as OrderId, attempts }, 'order handed to staff after repeated workflow failures');
  return applied;
}
