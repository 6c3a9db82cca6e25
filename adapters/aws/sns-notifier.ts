import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Reply } from '../../src/chat/reply.ts';
import { localIdOf, platformOf, type UserId } from '../../src/domain/ids.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier, NotifyOutcome } from '../../src/ports/notifier.ts';

/** What each SNS message carries: the user to reach and the reply to show, as the surfaces render it. */
export interface OrderNotification {
  readonly type: 'order.notification';
  readonly user: UserId;
  readonly reply: Reply;
  /** ISO-8601. */
  readonly at: string;
}

export interface SnsNotifierOptions {
  readonly log: Logger;
  /** Also delivered directly (the bot's RoutingNotifier); absent in the task Lambda, which only publishes. */
  readonly inner?: Notifier;
  readonly now?: () => Date;
}

/**
 * Publishes every order notification (each status change) to an SNS topic, optionally after handing it to another
 * notifier. Message attributes `platform` and `user` let subscribers filter (one queue per surface, an e-mail
 * subscription for staff). Like every Notifier it never throws: `sent` once published, `failed` when the publish
 * (logged here) or the inner notifier failed; the inner notifier's `undeliverable` does not undo the publish.
 */
export class SnsNotifier implements Notifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;
  readonly #options: SnsNotifierOptions;

  constructor(client: SNSClient, topicArn: string, options: SnsNotifierOptions) {
    if (!topicArn.startsWith('arn:')) {
      throw new Error(`ORDERS_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:...), got “${topicArn}”`);
    }
    this.#client = client;
    this.#topicArn = topicArn;
    this.#options = options;
  }

  async notify(user: UserId, reply: Reply): Promise<NotifyOutcome> {
    const [direct, published] = await Promise.all([
      this.#options.inner?.notify(user, reply),
      this.#publish(user, reply),
    ]);
    return direct === 'failed' ? direct : published;
  }

  async #publish(user: UserId, reply: Reply): Promise<NotifyOutcome> {
    const message: OrderNotification = {
      type: 'order.notification',
      user,
      reply,
      at: (this.#options.now?.() ?? new Date()).toISOString(),
    };
    const subject = subjectOf(reply);
    try {
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Message: JSON.stringify(message),
          ...(subject ? { Subject: subject } : {}),
          MessageAttributes: {
            platform: { DataType: 'String', StringValue: platformOf(user) },
            user: { DataType: 'String', StringValue: user },
            localUser: { DataType: 'String', StringValue: localIdOf(user) },
          },
        }),
      );
      return 'sent';
    } catch (error) {
      this.#options.log.warn({ err: error, platform: platformOf(user) }, 'publishing the order notification failed');
      return 'failed';
    }
  }
}

/**
 * SNS subjects (used by e-mail subscriptions) must be printable ASCII, one line, under 100 characters, starting
 * with a letter, digit or punctuation: anything else fails the whole Publish.
 */
export function subjectOf(reply: Reply): string | undefined {
  const title = reply.kind === 'text' || reply.kind === 'table' ? reply.title : undefined;
  if (!title) return undefined;
  const ascii = title
    .normalize('NFKD')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, 99);
  return ascii === '' ? undefined : ascii;
}
