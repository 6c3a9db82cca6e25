import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type OrderNotification, SnsNotifier, subjectOf } from '../../../adapters/aws/sns-notifier.ts';
import { text } from '../../../src/chat/reply.ts';
import type { OrderId } from '../../../src/domain/ids.ts';
import { userId } from '../../../src/domain/ids.ts';
import type { StatusNotice } from '../../../src/ports/status-notices.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sonicord-order-status';
const ALICE = userId('slack', 'T1/U2');
const reply = text('Your order `ord_x` is now **out for delivery**.', { title: 'Order out for delivery' });
const notice: StatusNotice = {
  orderId: 'ord_0123456789abcdef' as OrderId,
  user: ALICE,
  status: 'out_for_delivery',
  rank: 3,
  reply,
  at: '2026-11-24T10:00:00.000Z',
};

describe('SnsNotifier (the outbox publisher of the task Lambda)', () => {
  const client = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sns = mockClient(client);
  beforeEach(() => sns.reset());

  it('publishes the notice as JSON with its dedupe key and rank, filterable attributes and the title as subject', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const publisher = new SnsNotifier(client, TOPIC);
    await expect(publisher.publish(notice, new AbortController().signal)).resolves.toBe(true);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toBe('Order out for delivery');
    expect(JSON.parse(input?.Message ?? '')).toEqual({
      type: 'order.notification',
      user: ALICE,
      reply,
      at: '2026-11-24T10:00:00.000Z',
      orderId: 'ord_0123456789abcdef',
      status: 'out_for_delivery',
      rank: 3,
      key: 'ord_0123456789abcdef:out_for_delivery',
    } satisfies OrderNotification);
    expect(input?.MessageAttributes).toEqual({
      platform: { DataType: 'String', StringValue: 'slack' },
      user: { DataType: 'String', StringValue: 'slack:T1/U2' },
      localUser: { DataType: 'String', StringValue: 'T1/U2' },
      dedupeKey: { DataType: 'String', StringValue: 'ord_0123456789abcdef:out_for_delivery' },
    });
  });

  it('throws when SNS refuses, so the outbox keeps the notice', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Topic gone'), { name: 'NotFoundException' }));
    await expect(new SnsNotifier(client, TOPIC).publish(notice, new AbortController().signal)).rejects.toThrow(
      /Topic gone/,
    );
  });

  it('keeps subjects within what SNS accepts: printable ASCII, one line, under 100 characters', () => {
    expect(subjectOf(text('x', { title: 'Café “confirmed”\nnext' }))).toBe('Cafe confirmed next');
    expect(subjectOf(text('x', { title: 'a'.repeat(150) }))).toHaveLength(99);
    expect(subjectOf(text('x', { title: '🍕' }))).toBeUndefined();
    expect(subjectOf(text('no title'))).toBeUndefined();
  });

  it('refuses a topic that is not an ARN, naming the variable to fix', () => {
    expect(() => new SnsNotifier(client, 'orders')).toThrow(/ORDERS_TOPIC_ARN/);
  });
});
