import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { Reply } from '../../src/chat/reply.ts';
import type { DirectMessageOutcome, DirectMessenger } from '../../src/ports/notifier.ts';
import { renderReply } from './render-reply.ts';
import type { DiscordPayload } from './shapes.ts';

/** discord.js' `client.users`: opens the DM channel and sends. */
export interface UserDirectory {
  send(userId: string, payload: DiscordPayload): Promise<unknown>;
}

/**
 * Discord's answers that no retry will change: the user closed DMs from server members or blocked the bot (50007),
 * shares no server with it any more (50278), or does not exist (10013; creating the DM channel answers 50033).
 */
const PERMANENT = new Set<number | string>([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.InvalidRecipients,
]);

/**
 * Order notifications and other DMs. A user who cannot receive them is `undeliverable`; anything else Discord or the
 * network throws (5xx after discord.js' own retries, timeouts) is rethrown, since it may work later.
 */
export class DiscordDirectMessenger implements DirectMessenger {
  readonly platform = 'discord' as const;
  readonly #users: UserDirectory;

  constructor(users: UserDirectory) {
    this.#users = users;
  }

  async send(localUserId: string, reply: Reply): Promise<DirectMessageOutcome> {
    try {
      for (const payload of renderReply(reply)) await this.#users.send(localUserId, payload);
      return 'sent';
    } catch (error) {
      if (error instanceof DiscordAPIError && PERMANENT.has(error.code)) return 'undeliverable';
      throw error;
    }
  }
}
