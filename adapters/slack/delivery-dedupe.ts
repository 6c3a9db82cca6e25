import type { AnyMiddlewareArgs, App } from '@slack/bolt';
import type { Logger } from '../../src/ports/logger.ts';
import type { DeliveryClaims } from '../../src/ports/shared-state.ts';

/**
 * Slack retries an event it thinks was not acknowledged (`X-Slack-Retry-Num` 1 to 3, over about five minutes),
 * and behind a load balancer the retry may reach another replica. Every delivery first claims its id in the
 * shared store (a conditional put): the first claim runs it, any later one is acknowledged (200) and dropped.
 * A retry whose first delivery was never claimed (the replica died before reading it) still runs, once.
 */
export const DELIVERY_CLAIM_MS = 60 * 60 * 1000;

/** What identifies one delivery across retries; undefined for requests that must be answered every time. */
export function deliveryKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  // Events API: event_id is unique per event and the same on every retry.
  if (b.type === 'event_callback' && typeof b.event_id === 'string') return `slack:event:${b.event_id}`;
  // Slash commands: trigger_id is unique per invocation; team keeps workspaces apart. Interactions (buttons, modal
  // submissions) are not retried by Slack, and a second click is a second action: they are not deduplicated.
  if (typeof b.command === 'string' && typeof b.team_id === 'string' && typeof b.trigger_id === 'string') {
    return `slack:command:${b.team_id}:${b.trigger_id}`;
  }
  return undefined;
}

/** Installs the claim as Bolt's first global middleware: duplicates never reach a listener. */
export function dedupeDeliveries(app: App, claims: DeliveryClaims, log: Logger): void {
  app.use(async (args) => {
    const key = deliveryKey(args.body);
    if (!key) return args.next();
    const { retryNum, retryReason } = args.context;
    const first = await claims.claim(key, DELIVERY_CLAIM_MS).catch((error: unknown) => {
      // The store is unreachable: answering twice beats answering never (and Slack retries are rare).
      log.warn({ err: error, key }, 'slack delivery claim failed; handling the delivery anyway');
      return true;
    });
    if (first) return args.next();
    log.info({ key, retryNum, retryReason }, 'slack duplicate delivery dropped');
    await ackOf(args)?.();
  });
}

/** Events are acknowledged by Bolt before middleware runs; commands and interactions carry their own ack. */
const ackOf = (args: AnyMiddlewareArgs): (() => Promise<void>) | undefined =>
  'ack' in args && typeof args.ack === 'function' ? () => (args.ack as () => Promise<void>)() : undefined;
