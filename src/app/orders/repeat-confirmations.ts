import { randomBytes } from 'node:crypto';
import type { ActionAnswer } from '../../chat/command.ts';
import type { Invoker } from '../../chat/context.ts';
import { errorReply, type ReplyAction, text } from '../../chat/reply.ts';
import type { OrderId, UserId } from '../../domain/ids.ts';
import { orderIdFor } from '../../domain/orders/order-id.ts';
import type { OrderRequest } from '../../domain/orders/validate.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import type { OrderDeps } from './deps.ts';
import { placeOrder } from './place-order.ts';
import { orderPlacedReply } from './replies.ts';

/** A "Same order again?" question waiting for its button: what the customer submitted, and until when it stands. */
interface Pending {
  readonly user: UserId;
  readonly platform: string;
  readonly space: string | undefined;
  readonly request: OrderRequest;
  /** The order it repeats. */
  readonly first: OrderId;
  /** The repeat window's end: later, the buttons answer that the question expired. */
  readonly expiresAt: number;
  state: 'open' | 'placed' | 'kept';
}

/** Kept past expiry so that a late click still learns whose question it was and that it expired. */
const RETAIN_MS = 15 * 60_000;
const MAX_PENDING = 10_000;

/**
 * The questions of this process. One customer's /order in one server reaches one process (Discord shards by guild,
 * Slack by workspace), and so do the clicks on its answer; a restart forgets them, and a click then says to run
 * /order again (nothing is placed or lost).
 */
const pending = new Map<string, Pending>();
/** One click at a time per question: a double click, or Keep racing Place, has one outcome. */
const clicks = new KeyedMutex();

type Deps = Parameters<typeof placeOrder>[0];

/** Remembers the submission behind a "Same order again?" question; answers its two buttons. */
export function askAgainButtons(
  deps: Pick<OrderDeps, 'repeatWindowMs' | 'now'>,
  entry: Omit<Pending, 'expiresAt' | 'state'> & { readonly firstCreatedAt: string },
): ReplyAction[] {
  const now = deps.now().getTime();
  if (pending.size >= MAX_PENDING) sweep(now);
  const token = randomBytes(12).toString('base64url');
  const { firstCreatedAt, ...rest } = entry;
  pending.set(token, {
    ...rest,
    expiresAt: Date.parse(firstCreatedAt) + (deps.repeatWindowMs ?? 0),
    state: 'open',
  });
  return [
    { command: 'order', name: 'again', arg: token, label: 'Place it again', style: 'primary' },
    { command: 'order', name: 'keep', arg: token, label: 'Keep the first', style: 'secondary' },
  ];
}

/** "Place it again": places the remembered order once (its id derives from the question), for its customer only. */
export async function placeAgain(deps: Deps, clicker: Invoker, token: string): Promise<ActionAnswer> {
  return clicks.run(token, async () => {
    const found = owned(deps, clicker, token);
    if (!found.ok) return found.answer;
    const entry = found.entry;
    if (entry.state === 'kept') return kept(entry);
    const placed = await placeOrder(deps, {
      // Every click on this question yields this one id: a double click finds the order the first click placed.
      orderId: orderIdFor(entry.platform, `again:${token}`),
      user: entry.user,
      ...(entry.space === undefined ? {} : { space: entry.space }),
      request: entry.request,
      confirmed: true,
    });
    if (!placed.ok) return { to: 'message', reply: errorReply(placed.error) };
    entry.state = 'placed';
    return { to: 'message', reply: orderPlacedReply(placed.value.order, placed.value.repeated) };
  });
}

/** "Keep the first": nothing is placed; a later "Place it again" on the same question says so. */
export async function keepFirst(deps: Pick<OrderDeps, 'now'>, clicker: Invoker, token: string): Promise<ActionAnswer> {
  return clicks.run(token, async () => {
    const found = owned(deps, clicker, token);
    if (!found.ok) return found.answer;
    const entry = found.entry;
    if (entry.state === 'placed') {
      const again = orderIdFor(entry.platform, `again:${token}`);
      return { to: 'message', reply: text(`You already placed it again: \`${again}\`.`, { title: 'Order received' }) };
    }
    entry.state = 'kept';
    return kept(entry);
  });
}

const kept = (entry: Pending): ActionAnswer => ({
  to: 'message',
  reply: text(`Kept your first order \`${entry.first}\`. Nothing new was ordered or charged.`, {
    title: 'Same order again?',
  }),
});

function owned(
  deps: Pick<OrderDeps, 'now'>,
  clicker: Invoker,
  token: string,
): { ok: true; entry: Pending } | { ok: false; answer: ActionAnswer } {
  const now = deps.now().getTime();
  const entry = pending.get(token);
  if (!entry || now > entry.expiresAt + RETAIN_MS) {
    const reply = errorReply({
      code: 'order.question_expired',
      message: 'This question has expired: nothing was ordered.',
      hint: 'Run /order again (with confirm:yes to order the same again).',
    });
    return { ok: false, answer: { to: 'clicker', reply } };
  }
  if (entry.user !== clicker.user) {
    const reply = errorReply({
      code: 'order.not_yours',
      message: 'This is not your order: only the customer who ordered can answer this question.',
    });
    return { ok: false, answer: { to: 'clicker', reply } };
  }
  if (entry.state === 'open' && now > entry.expiresAt) {
    const reply = errorReply({
      code: 'order.question_expired',
      message: `This question has expired (the repeat window ended): nothing new was ordered; \`${entry.first}\` stands.`,
      hint: 'Run /order again to order the same again.',
    });
    return { ok: false, answer: { to: 'message', reply } };
  }
  return { ok: true, entry };
}

function sweep(now: number): void {
  for (const [token, entry] of pending) if (now > entry.expiresAt + RETAIN_MS) pending.delete(token);
  // Still full (a flood of questions): the oldest go first.
  for (const token of pending.keys()) {
    if (pending.size < MAX_PENDING) break;
    pending.delete(token);
  }
}
