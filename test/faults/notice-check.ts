import { STATUS_RANK } from '../../src/app/orders/status-notices.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { Violation } from '../../src/domain/orders/invariants.ts';
import { type Order, type OrderStatus, STATUS_LABEL } from '../../src/domain/orders/order.ts';

const BY_TITLE = new Map(
  Object.entries(STATUS_LABEL).map(([status, label]) => [`Order ${label}`, status as OrderStatus]),
);

/** The (order, status) a status DM is about, read back from the reply as the customer sees it. */
export function noticeOf(reply: Reply): { order: string; status: OrderStatus } | undefined {
  if (reply.kind !== 'text' || !reply.title) return undefined;
  const status = BY_TITLE.get(reply.title);
  const order = /ord_[a-z0-9]{16}/.exec(reply.text)?.[0];
  return status && order ? { order, status } : undefined;
}

/**
 * The status-DM invariants, over the DMs in the order they were shown, once nothing runs any more:
 * - each (order, status) shown at most once;
 * - an order's DMs shown in rank order (no older status after a newer one);
 * - none lost: every status an order reached (after "received", answered in the command itself) was shown, or a
 *   later status of the order was (an out-of-order older one is dropped on purpose);
 * - the order's current status was shown.
 */
export function checkNoticeInvariants(orders: readonly Order[], shownReplies: readonly Reply[]): Violation[] {
  const violations: Violation[] = [];
  const shown = new Map<string, OrderStatus[]>();
  for (const reply of shownReplies) {
    const notice = noticeOf(reply);
    if (!notice) continue;
    const list = shown.get(notice.order) ?? [];
    list.push(notice.status);
    shown.set(notice.order, list);
  }
  for (const order of orders) {
    const add = (rule: string, detail: string) => violations.push({ order: order.id, rule, detail });
    const list = shown.get(order.id) ?? [];
    const seen = new Set<OrderStatus>();
    for (const status of list) {
      if (seen.has(status)) add('dm-at-most-once', `${status} shown twice (${list.join(', ')})`);
      seen.add(status);
    }
    const ranks = list.map((s) => STATUS_RANK[s]);
    if (ranks.some((rank, i) => i > 0 && rank <= (ranks[i - 1] ?? -1))) {
      add('dm-in-rank-order', `shown ${list.join(' → ')}`);
    }
    const highest = Math.max(-1, ...ranks);
    for (const entry of order.history) {
      if (entry.status === 'received') continue;
      if (!seen.has(entry.status) && STATUS_RANK[entry.status] >= highest) {
        add('dm-none-lost', `${entry.status} never shown (shown: ${list.join(', ') || 'none'})`);
      }
    }
    if (order.status !== 'received' && !seen.has(order.status)) {
      add('dm-current-status-shown', `status ${order.status}, shown: ${list.join(', ') || 'none'}`);
    }
  }
  return violations;
}
