import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type OrderNotification, SnsNotifier, subjectOf } from '../../../adapters/aws/sns-notifier.ts';
import { text } from '../../../src/chat/reply.ts';
import { userId } from '../../../src/domain/ids.ts';
import { RecordingLogger, RecordingNotifier } from '../../support/command-context.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sonicord-order-status';
const ALICE = userId('slack', 'T1/U2');
const reply = text('Your order `ord_x` is now **out for delivery**.', { title: 'Order out for delivery' });

describe('SnsNotifier', () => {
  const client = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sns = mockClient(client);
  beforeEach(() => sns.reset());

  it('publishes the user and reply as JSON, with filterable attributes and the title as subject', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = new SnsNotifier(client, TOPIC, {
      log: new RecordingLogger(),
      now: () => new Date('2026-11-24T10:00:00Z'),
    });
    await expect(notifier.notify(ALICE, reply)).resolves.toBe('sent');
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toBe('Order out for delivery');
    expect(JSON.parse(input?.Message ?? '')).toEqual({
      type: 'order.notification',
      user: ALICE,
      reply,
      at: '2026-11-24T10:00:00.000Z',
    } satisfies OrderNotification);
    expect(input?.MessageAttributes).toEqual({
      platform: { DataType: 'String', StringValue: 'slack' },
      user: { DataType: 'String', StringValue: 'slack:T1/U2' },
      localUser: { DataType: 'String', StringValue: 'T1/U2' },
    });
  });

  it('also hands the notice to the inner notifier (the DM), and a failed publish neither throws nor blocks it', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Topic gone'), { name: 'NotFoundException' }));
    const inner = new RecordingNotifier();
    const log = new RecordingLogger();
    const notifier = new SnsNotifier(client, TOPIC, { log, inner });
    await expect(notifier.notify(ALICE, reply)).resolves.toBe('failed');
    expect(inner.sent).toEqual([{ user: ALICE, reply }]);
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'warn', message: 'publishing the order notification failed' }),
    ]);
  });

  it('reports the inner notifier’s failure even when the publish went through', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const inner = new RecordingNotifier();
    inner.outcome = 'failed';
    const notifier = new SnsNotifier(client, TOPIC, { log: new RecordingLogger(), inner });
    await expect(notifier.notify(ALICE, reply)).resolves.toBe('failed');
    inner.outcome = 'undeliverable';
    await expect(notifier.notify(ALICE, reply)).resolves.toBe('sent');
  });

  it('keeps subjects within what SNS accepts: printable ASCII, one line, under 100 characters', () => {
    expect(subjectOf(text('x', { title: 'Café “confirmed”\nnext' }))).toBe('Cafe confirmed next');
    expect(subjectOf(text('x', { title: 'a'.repeat(150) }))).toHaveLength(99);
    expect(subjectOf(text('x', { title: '🍕' }))).toBeUndefined();
    expect(subjectOf(text('no title'))).toBeUndefined();
  });

  it('refuses a topic that is not an ARN, naming the variable to fix', () => {
    expect(() => new SnsNotifier(client, 'orders', { log: new RecordingLogger() })).toThrow(/ORDERS_TOPIC_ARN/);
  });
});
