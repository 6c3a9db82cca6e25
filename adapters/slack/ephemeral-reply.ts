import { whereToGet } from '../../src/app/results/keep-result.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { renderMessages } from './blocks.ts';
import { filesNote } from './reply-notes.ts';
import type { SlackReply } from './reply-stream.ts';
import type { PrivateMessages } from './response-url.ts';

/** An answer only the invoker sees: no progress edits (Slack cannot edit ephemeral messages by API). */
export class EphemeralSlackReply implements SlackReply {
  readonly #responseUrl: PrivateMessages;

  constructor(responseUrl: PrivateMessages) {
    this.#responseUrl = responseUrl;
  }

  progress(): void {}

  async threadKey(): Promise<undefined> {
    return undefined;
  }

  async finish(reply: Reply): Promise<void> {
    // response_url takes 5 messages; a longer answer is cut with a note saying where the rest is, never silently.
    const cut = `The answer was too long to show here in full. ${whereToGet(reply)}`;
    await this.#responseUrl.send([...renderMessages(reply), ...filesNote(reply)], 'ephemeral', cut);
  }
}
