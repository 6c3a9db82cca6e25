import type { Logger } from '../../src/ports/logger.ts';
import type { SlackMessage } from './blocks.ts';

/** Slack accepts at most 5 messages through one response_url (within 30 minutes). */
export const RESPONSE_URL_USES = 5;

/** Where messages only the invoker sees go: a response_url (5 uses) or chat.postEphemeral (no such limit). */
export interface PrivateMessages {
  send(messages: readonly SlackMessage[], type: 'ephemeral' | 'in_channel', cutNote: string): Promise<number>;
}

/** chat.postEphemeral and the like: every message is sent. */
export const unlimited = (post: (message: SlackMessage) => Promise<unknown>): PrivateMessages => ({
  async send(messages) {
    for (const message of messages) await post(message);
    return messages.length;
  },
});

export type Respond = (message: SlackMessage & { response_type: 'ephemeral' | 'in_channel' }) => Promise<unknown>;

/**
 * One slash command's response_url, shared by everything that answers through it (refusals, ephemeral answers, the
 * public fallback when the bot is not in the channel), so the 5 uses are never exceeded: the fifth message says that
 * the rest was cut, and later messages are dropped with a log line instead of an error from Slack.
 */
export class ResponseUrl implements PrivateMessages {
  readonly #respond: Respond;
  readonly #log: Logger;
  #used = 0;

  constructor(respond: Respond, log: Logger) {
    this.#respond = respond;
    this.#log = log;
  }

  get remaining(): number {
    return RESPONSE_URL_USES - this.#used;
  }

  /** Sends the messages in order within the uses left; answers how many were sent. */
  async send(messages: readonly SlackMessage[], type: 'ephemeral' | 'in_channel', cutNote: string): Promise<number> {
    const room = this.remaining;
    if (room <= 0) {
      this.#log.warn({ dropped: messages.length }, 'response_url used up (5 uses): messages dropped');
      return 0;
    }
    const shown = messages.length > room ? [...messages.slice(0, room - 1), note(cutNote)] : messages;
    for (const message of shown) {
      this.#used += 1;
      await this.#respond({ response_type: type, ...message });
    }
    return shown.length;
  }
}

const note = (text: string): SlackMessage => ({
  text,
  blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }],
});
