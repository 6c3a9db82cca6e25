import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { noticeKey } from '../../src/app/orders/status-notices.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { localIdOf, platformOf, type UserId } from '../../src/domain/ids.ts';
import type { OrderStatus } from '../../src/domain/orders/order.ts';
import type { NoticePublisher, StatusNotice } from '../../src/ports/status-notices.ts';

/**
 * What each SNS message carries: the user to reach and the reply to show, as the surfaces render it, and the
 * notice's identity: `key` (order:status) to drop duplicates, `rank` to drop an older status after a newer one.
 */
export interface OrderNotification {
  readonly type: 'order.notification';
  readonly user: UserId;
  readonly reply: Reply;
  /** ISO-8601. */
  readonly at: string;
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly rank: number;
  readonly key: string;
}

/**
 * Publishes each status notice to the SNS topic (the task Lambda's half of the outbox: publish, then mark). Message
 * attributes `platform` and `user` let subscribers filter (one queue per surface, an e-mail subscription for
 * staff); `dedupeKey` names the notice. Resolves true once SNS accepted it; a rejected or aborted publish throws,
 * and the notice stays in the outbox for the next try.
 */
export class SnsNotifier implements NoticePublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    if (!topicArn.startsWith('arn:')) {
      throw new Error(`ORDERS_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:...), got “${topicArn}”`);
    }
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(notice: StatusNotice, signal: AbortSignal): Promise<boolean> {
    const key = noticeKey(notice);
    const message: OrderNotification = {
      type: 'order.notification',
      user: notice.user,
      reply: notice.reply,
      at: notice.at,
      orderId: notice.orderId,
      status: notice.status,
      rank: notice.rank,
      key,
    };
    const subject = subjectOf(notice.reply);
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Message: JSON.stringify(message),
        ...(subject ? { Subject: subject } : {}),
        MessageAttributes: {
          platform: { DataType: 'String', StringValue: platformOf(notice.user) },
          user: { DataType: 'String', StringValue: notice.user },
          localUser: { DataType: 'String', StringValue: localIdOf(notice.user) },
          dedupeKey: { DataType: 'String', StringValue: key },
        },
      }),
      { abortSignal: signal },
    );
    return true;
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
