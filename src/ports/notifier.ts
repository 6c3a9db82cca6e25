import type { Reply } from '../chat/reply.ts';
import type { Platform, UserId } from '../domain/ids.ts';

/**
 * What became of one direct message, so a caller holding a retry (the notifications queue) knows whether to keep it.
 * - `sent`: the surface accepted it (delivered, or queued by the surface itself for the user's next visit).
 * - `failed`: it may work later: network trouble, the platform's 5xx or rate limit, an error nobody classified.
 * - `undeliverable`: it never will: no surface attached for that platform, the user does not exist, or the user does
 *   not accept direct messages from the bot.
 */
export type NotifyOutcome = 'sent' | 'failed' | 'undeliverable';

/** Sends a direct message to a user (order status changes). Never throws: what happened is the outcome. */
export interface Notifier {
  notify(user: UserId, reply: Reply): Promise<NotifyOutcome>;
}

/** A surface's own answer: what may work later is a rejection instead. */
export type DirectMessageOutcome = Exclude<NotifyOutcome, 'failed'>;

/**
 * One surface's way to reach its users directly (Discord DM, Slack DM, playground WebSocket). Resolves `undeliverable`
 * when the platform's own error code says this user can never get it; rejects on anything that may work later, or
 * that the adapter cannot tell (the notifier reports those as `failed`).
 */
export interface DirectMessenger {
  readonly platform: Platform;
  send(localUserId: string, reply: Reply): Promise<DirectMessageOutcome>;
}
