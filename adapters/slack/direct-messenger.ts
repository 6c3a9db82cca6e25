import type { WebClient } from '@slack/web-api';
import type { Reply } from '../../src/chat/reply.ts';
import type { DirectMessenger } from '../../src/ports/notifier.ts';
import { renderMessages } from './blocks.ts';
import { uploadFiles } from './reply-stream.ts';

/** Direct messages to Slack users (order status changes). `localUserId` is `<team>/<user>` (or a bare user id). */
export class SlackDirectMessenger implements DirectMessenger {
  readonly platform = 'slack' as const;
  readonly #client: WebClient;

  constructor(client: WebClient) {
    this.#client = client;
  }

  async send(localUserId: string, reply: Reply): Promise<void> {
    const user = localUserId.slice(localUserId.indexOf('/') + 1);
    const opened = await this.#client.conversations.open({ users: user });
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`Slack opened no conversation with ${user}`);
    for (const message of renderMessages(reply)) await this.#client.chat.postMessage({ channel, ...message });
    await uploadFiles(this.#client, channel, undefined, reply.kind === 'composite' ? reply.files : undefined);
  }
}
