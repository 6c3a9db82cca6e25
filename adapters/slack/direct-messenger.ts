import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Reply } from '../../src/chat/reply.ts';
import type { DirectMessageOutcome, DirectMessenger } from '../../src/ports/notifier.ts';
import { renderMessages } from './blocks.ts';
import { uploadFiles } from './reply-notes.ts';

/**
 * conversations.open's answers about the user that no retry will change: unknown id, deactivated account, hidden from
 * the bot, or a bot (which cannot be DMed). Errors about the bot's own token or app settings (`account_inactive`,
 * `invalid_auth`, `messages_tab_disabled`) stay failures: someone can fix those, and the queue keeps the notices.
 */
const PERMANENT = new Set(['user_not_found', 'user_disabled', 'user_not_visible', 'cannot_dm_bot']);

/** Direct messages to Slack users (order status changes). `localUserId` is `<team>/<user>` (or a bare user id). */
export class SlackDirectMessenger implements DirectMessenger {
  readonly platform = 'slack' as const;
  readonly #client: WebClient;

  constructor(client: WebClient) {
    this.#client = client;
  }

  async send(localUserId: string, reply: Reply): Promise<DirectMessageOutcome> {
    const user = localUserId.slice(localUserId.indexOf('/') + 1);
    const opened = await this.#client.conversations.open({ users: user }).catch(undeliverableOrThrow);
    if (opened === 'undeliverable') return opened;
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`Slack opened no conversation with ${user}`);
    for (const message of renderMessages(reply)) await this.#client.chat.postMessage({ channel, ...message });
    await uploadFiles(this.#client, channel, undefined, reply.kind === 'composite' ? reply.files : undefined);
    return 'sent';
  }
}

function undeliverableOrThrow(error: unknown): 'undeliverable' {
  if (error instanceof WebAPIPlatformError && PERMANENT.has(error.data.error)) return 'undeliverable';
  throw error;
}
