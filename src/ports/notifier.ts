import type { Reply } from '../chat/reply.ts';
import type { Platform, UserId } from '../domain/ids.ts';

/** Sends a direct message to a user (order status changes). Never throws: a failed DM is logged, not fatal. */
export interface Notifier {
  notify(user: UserId, reply: Reply): Promise<void>;
}

/** One surface's way to reach its users directly (Discord DM, Slack DM, playground WebSocket). */
export interface DirectMessenger {
  readonly platform: Platform;
  send(localUserId: string, reply: Reply): Promise<void>;
}
