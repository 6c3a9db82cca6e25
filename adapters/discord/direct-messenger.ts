import type { Reply } from '../../src/chat/reply.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { DirectMessenger } from '../../src/ports/notifier.ts';
import { renderReply } from './render-reply.ts';
import type { DiscordPayload } from './shapes.ts';

/** discord.js' `client.users`: opens the DM channel and sends. */
export interface UserDirectory {
  send(userId: string, payload: DiscordPayload): Promise<unknown>;
}

/** Order notifications and other DMs. Never throws: users may close their DMs, which is logged, not fatal. */
export class DiscordDirectMessenger implements DirectMessenger {
  readonly platform = 'discord' as const;
  readonly #users: UserDirectory;
  readonly #log: Logger;

  constructor(users: UserDirectory, log: Logger) {
    this.#users = users;
    this.#log = log;
  }

  async send(localUserId: string, reply: Reply): Promise<void> {
    try {
      for (const payload of renderReply(reply)) await this.#users.send(localUserId, payload);
    } catch (error) {
      this.#log.warn({ err: error, platform: 'discord', userId: localUserId }, 'direct message failed');
    }
  }
}
