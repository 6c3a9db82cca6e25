import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnsNotifier } from '../../../adapters/aws/sns-notifier.ts';
import { SqsNotificationRelay } from '../../../adapters/aws/sqs-notification-relay.ts';
import { STATUS_RANK } from '../../../src/app/orders/status-notices.ts';
import type { Reply } from '../../../src/chat/reply.ts';
import { text } from '../../../src/chat/reply.ts';
import { type OrderId, type UserId, userId } from '../../../src/domain/ids.ts';
import type { OrderStatus } from '../../../src/domain/orders/order.ts';
import type { Notifier, NotifyOutcome } from '../../../src/ports/notifier.ts';
import { RecordingLogger, RecordingNotifier } from '../../support/command-context.ts';
import { FakeClock, settle } from '../../support/fake-clock.ts';
import { MemoryNoticeLedger } from '../../support/memory-notice-ledger.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sonicord-order-notifications';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sonicord-order-status';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ALICE = userId('discord', '1234');
const BOB = userId('slack', 'T1/U2');
const preparing = text('Order `ord_1` is being **prepared**.', { title: 'Order preparing' });
const onTheWay = text('Order `ord_1` is **out for delivery**.', { title: 'Order out for delivery' });

/** The bodies the task Lambda's SnsNotifier really publishes, captured from its PublishCommand. */
async function published(
  notices: readonly { user: UserId; reply: Reply; order?: string; status?: OrderStatus }[],
): Promise<string[]> {
  const client = new SNSClient({ region: 'eu-west-1', credentials });
  const sns = mockClient(client);
  sns.on(PublishCommand).resolves({ MessageId: 'p' });
  const publisher = new SnsNotifier(client, TOPIC);
  for (const [i, n] of notices.entries()) {
    const status = n.status ?? 'preparing';
    const orderId = (n.order ?? `ord_${String(i).padStart(16, '0')}`) as OrderId;
    await publisher.publish(
      { orderId, user: n.user, status, rank: STATUS_RANK[status], reply: n.reply, at: '2026-11-24T10:00:00.000Z' },
      new AbortController().signal,
    );
  }
  const bodies = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Message ?? '');
  sns.restore();
  return bodies;
}

const aMessage = (n: number, body: string): Message => ({ MessageId: `m-${n}`, ReceiptHandle: `rh-${n}`, Body: body });

describe('SqsNotificationRelay (real SQSClient, send mocked)', () => {
  const client = new SQSClient({ region: 'eu-west-1', credentials });
  const sqs = mockClient(client);
  let clock: FakeClock;
  let sleeps: number[];
  let log: RecordingLogger;
  let relay: SqsNotificationRelay | undefined;

  /** Time stands still unless the test advances the clock, so an idle relay simply waits. */
  const start = (notifier: Notifier, ledger = new MemoryNoticeLedger()): SqsNotificationRelay => {
    relay = new SqsNotificationRelay(client, QUEUE, { notifier, ledger }, log, {
      pollers: 1,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return clock.sleep(ms, signal);
      },
      backoff: { baseMs: 1_000, maxMs: 3_000 },
      idleMs: 500,
    });
    relay.start();
    return relay;
  };

  /** One batch, then empty long polls (a later `on(ReceiveMessageCommand)` replaces the earlier behaviour). */
  const receives = (batch: { Messages: Message[] }): void => {
    sqs.on(ReceiveMessageCommand).resolvesOnce(batch).resolves({});
  };

  beforeEach(() => {
    sqs.reset();
    sqs.on(ReceiveMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(DeleteMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id })),
      Failed: [],
    }));
    clock = new FakeClock();
    sleeps = [];
    log = new RecordingLogger();
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  it('delivers what SnsNotifier published, in order, then deletes the batch; long-polls 10 at a time for 20 s', async () => {
    const bodies = await published([
      { user: ALICE, reply: preparing },
      { user: BOB, reply: onTheWay },
    ]);
    receives({ Messages: bodies.map((b, i) => aMessage(i + 1, b)) });
    const notifier = new RecordingNotifier();
    start(notifier);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(notifier.sent).toEqual([
      { user: ALICE, reply: preparing },
      { user: BOB, reply: onTheWay },
    ]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE,
      Entries: [
        { Id: '0', ReceiptHandle: 'rh-1' },
        { Id: '1', ReceiptHandle: 'rh-2' },
      ],
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: QUEUE,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
    });
    // The next receive came back empty: the relay pauses instead of polling again at once.
    await vi.waitFor(() => expect(sleeps).toEqual([500]));
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
  });

  it('leaves unreadable messages on the queue (the dead-letter queue takes them) and deletes only the good one', async () => {
    const [good] = await published([{ user: ALICE, reply: preparing }]);
    const foreign = JSON.stringify({ type: 'order.notification', user: 'alice', reply: { kind: 'text' }, at: 'x' });
    receives({
      Messages: [
        { ...aMessage(1, 'not json {'), Attributes: { ApproximateReceiveCount: '3' } },
        aMessage(2, foreign),
        aMessage(3, good ?? ''),
      ],
    });
    const notifier = new RecordingNotifier();
    start(notifier);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(notifier.sent).toEqual([{ user: ALICE, reply: preparing }]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '2', ReceiptHandle: 'rh-3' },
    ]);
    const unreadable = log.lines.filter((l) => l.message?.startsWith('unreadable order notification'));
    expect(unreadable.map((l) => l.fields)).toEqual([
      { messageId: 'm-1', receiveCount: '3', reason: 'the body is not JSON' },
      {
        messageId: 'm-2',
        receiveCount: undefined,
        reason: expect.stringMatching(/^not an order notification \(user: expected a user id like discord:123.*\)$/),
      },
    ]);
  });

  it('accepts the SNS envelope, for a subscription with raw message delivery off', async () => {
    const [inner] = await published([{ user: BOB, reply: onTheWay }]);
    const envelope = {
      Type: 'Notification',
      MessageId: 'sns-1',
      TopicArn: TOPIC,
      Subject: 'Order out for delivery',
      Message: inner,
      Timestamp: '2026-11-24T10:00:00.000Z',
    };
    receives({ Messages: [aMessage(1, JSON.stringify(envelope))] });
    const notifier = new RecordingNotifier();
    start(notifier);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(notifier.sent).toEqual([{ user: BOB, reply: onTheWay }]);
  });

  it('leaves a failed DM on the queue, logged with its receive count, and deletes it once its redelivery is sent', async () => {
    const [body] = await published([{ user: ALICE, reply: preparing }]);
    const first = { ...aMessage(1, body ?? ''), Attributes: { ApproximateReceiveCount: '1' } };
    // The visibility timeout ran out: SQS hands the same message out again, with a new receipt handle.
    const again = { ...first, ReceiptHandle: 'rh-1-again', Attributes: { ApproximateReceiveCount: '2' } };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [first] })
      .resolvesOnce({ Messages: [again] })
      .resolves({});
    const outcomes: NotifyOutcome[] = ['failed', 'sent'];
    const notifier = new RecordingNotifier();
    const flaky: Notifier = {
      notify: async (user, reply) => {
        await notifier.notify(user, reply);
        return outcomes.shift() ?? 'sent';
      },
    };
    start(flaky);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(notifier.sent).toEqual([
      { user: ALICE, reply: preparing },
      { user: ALICE, reply: preparing },
    ]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-1-again' },
    ]);
    const notDelivered = log.lines.filter((l) => l.message?.startsWith('order notification not delivered'));
    expect(notDelivered.map((l) => [l.level, l.fields])).toEqual([['warn', { messageId: 'm-1', receiveCount: '1' }]]);
  });

  it('deletes an undeliverable DM (no retry reaches that user) along with the sent ones, in batch order', async () => {
    const bodies = await published([
      { user: ALICE, reply: preparing },
      { user: BOB, reply: onTheWay },
      { user: ALICE, reply: onTheWay },
    ]);
    receives({ Messages: bodies.map((b, i) => aMessage(i + 1, b)) });
    const notifier = new RecordingNotifier();
    const bobClosedDms: Notifier = {
      notify: async (user, reply) => {
        await notifier.notify(user, reply);
        return user === BOB ? 'undeliverable' : 'sent';
      },
    };
    start(bobClosedDms);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(notifier.sent.map((m) => m.user)).toEqual([ALICE, BOB, ALICE]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-1' },
      { Id: '1', ReceiptHandle: 'rh-2' },
      { Id: '2', ReceiptHandle: 'rh-3' },
    ]);
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('keeps a message whose delivery threw, and logs deletes the queue refused (they will come again)', async () => {
    const bodies = await published([
      { user: ALICE, reply: preparing },
      { user: BOB, reply: onTheWay },
    ]);
    receives({ Messages: bodies.map((b, i) => aMessage(i + 1, b)) });
    sqs.on(DeleteMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'expired' }],
    });
    const throwsForAlice: Notifier = {
      notify: async (user) => {
        if (user === ALICE) throw new Error('Discord is down');
        return 'sent';
      },
    };
    start(throwsForAlice);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '1', ReceiptHandle: 'rh-2' },
    ]);
    expect(log.lines.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'delivering an order notification failed',
        'deleting a delivered order notification failed; its copy will be dropped when it comes back',
      ]),
    );
  });

  it('backs off on errors, doubling up to the cap, and starts over after a success; never throws', async () => {
    const [body] = await published([{ user: ALICE, reply: preparing }]);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'RequestThrottled' });
    sqs
      .on(ReceiveMessageCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolvesOnce({ Messages: [aMessage(1, body ?? '')] })
      .rejectsOnce(new Error('socket hang up'))
      .resolves({});
    const notifier = new RecordingNotifier();
    start(notifier);

    await vi.waitFor(() => expect(sleeps).toEqual([1_000]));
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    await clock.advance(1_000);
    await vi.waitFor(() => expect(sleeps).toEqual([1_000, 2_000]));
    await clock.advance(2_000);
    await vi.waitFor(() => expect(sleeps).toEqual([1_000, 2_000, 3_000]));
    expect(notifier.sent).toEqual([]);
    await clock.advance(3_000);
    // Delivered, then the next failure waits the base delay again; then an empty poll pauses.
    await vi.waitFor(() => expect(sleeps).toEqual([1_000, 2_000, 3_000, 1_000]));
    expect(notifier.sent).toEqual([{ user: ALICE, reply: preparing }]);
    await clock.advance(1_000);
    await vi.waitFor(() => expect(sleeps).toEqual([1_000, 2_000, 3_000, 1_000, 500]));
    const retries = log.lines.filter((l) => l.message === 'receiving order notifications failed; retrying');
    expect(retries.map((l) => l.fields)).toEqual([
      expect.objectContaining({ failures: 1, delayMs: 1_000 }),
      expect.objectContaining({ failures: 2, delayMs: 2_000 }),
      expect.objectContaining({ failures: 3, delayMs: 3_000 }),
      expect.objectContaining({ failures: 1, delayMs: 1_000 }),
    ]);
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('shows a notice once: a duplicate in the batch and one in a later batch are dropped and deleted', async () => {
    const [body] = await published([{ user: ALICE, reply: preparing, order: 'ord_aaaaaaaaaaaaaaaa' }]);
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [aMessage(1, body ?? ''), aMessage(2, body ?? '')] })
      .resolvesOnce({ Messages: [aMessage(3, body ?? '')] })
      .resolves({});
    const notifier = new RecordingNotifier();
    start(notifier);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(2));
    expect(notifier.sent).toEqual([{ user: ALICE, reply: preparing }]);
    const deleted = sqs.commandCalls(DeleteMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(deleted.map((e) => e.ReceiptHandle)).toEqual(['rh-1', 'rh-2', 'rh-3']);
  });

  it('shows one order’s notices in rank order within a batch, and drops an older status after a newer one', async () => {
    const order = 'ord_bbbbbbbbbbbbbbbb';
    const [older, newer] = await published([
      { user: ALICE, reply: preparing, order, status: 'preparing' },
      { user: ALICE, reply: onTheWay, order, status: 'out_for_delivery' },
    ]);
    sqs
      .on(ReceiveMessageCommand)
      // Reordered by the queue: the newer status first, then both again later.
      .resolvesOnce({ Messages: [aMessage(1, newer ?? ''), aMessage(2, older ?? '')] })
      .resolvesOnce({ Messages: [aMessage(3, older ?? '')] })
      .resolves({});
    const notifier = new RecordingNotifier();
    start(notifier);

    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(2));
    expect(notifier.sent).toEqual([
      { user: ALICE, reply: preparing },
      { user: ALICE, reply: onTheWay },
    ]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[1]?.args[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-3' },
    ]);
  });

  it('brings a notice another relay is sending back soon instead of sending it twice', async () => {
    const order = 'ord_cccccccccccccccc' as OrderId;
    const [body] = await published([{ user: ALICE, reply: preparing, order }]);
    receives({ Messages: [aMessage(1, body ?? '')] });
    const ledger = new MemoryNoticeLedger();
    await ledger.claim(order, 0, Date.now() + 60_000, Date.now());
    const notifier = new RecordingNotifier();
    start(notifier, ledger);

    await vi.waitFor(() => expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1));
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-1', VisibilityTimeout: 5 },
    ]);
    expect(notifier.sent).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('sends the DMs of different orders concurrently (a slow DM does not hold up the batch)', async () => {
    const bodies = await published(
      Array.from({ length: 10 }, (_, i) => ({
        user: ALICE,
        reply: preparing,
        order: `ord_${String(i).padStart(16, 'd')}`,
      })),
    );
    receives({ Messages: bodies.map((b, i) => aMessage(i + 1, b)) });
    let inFlight = 0;
    let peak = 0;
    const gate = Promise.withResolvers<void>();
    const slow: Notifier = {
      notify: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await gate.promise;
        inFlight -= 1;
        return 'sent';
      },
    };
    start(slow);
    await vi.waitFor(() => expect(inFlight).toBe(10));
    gate.resolve();
    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(peak).toBe(10);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toHaveLength(10);
  });

  it('refuses a queue URL that is not one, naming the variable to fix', () => {
    expect(
      () =>
        new SqsNotificationRelay(
          client,
          'sonicord-queue',
          { notifier: new RecordingNotifier(), ledger: new MemoryNoticeLedger() },
          log,
        ),
    ).toThrow(/ORDERS_NOTIFICATIONS_QUEUE_URL/);
  });
});

describe('SqsNotificationRelay.stop (real SQSClient against a loopback server that holds the long poll)', () => {
  let server: Server;
  const held: IncomingMessage[] = [];

  beforeEach(async () => {
    held.length = 0;
    // Answers nothing, like SQS during a 20-second long poll with an empty queue.
    server = createServer((req) => held.push(req));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('aborts the receive in flight and ends the loop; starting again after stop does nothing', async () => {
    const { port } = server.address() as AddressInfo;
    const queueUrl = `http://127.0.0.1:${port}/123456789012/sonicord-order-notifications`;
    const client = new SQSClient({
      region: 'eu-west-1',
      credentials,
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 1,
    });
    const log = new RecordingLogger();
    const target = { notifier: new RecordingNotifier(), ledger: new MemoryNoticeLedger() };
    const relay = new SqsNotificationRelay(client, queueUrl, target, log, { pollers: 1 });
    relay.start();
    await vi.waitFor(() => expect(held).toHaveLength(1));
    expect(held[0]?.headers['x-amz-target']).toBe('AmazonSQS.ReceiveMessage');
    const closed = new Promise((resolve) => held[0]?.socket.once('close', resolve));

    await relay.stop();
    await closed;
    relay.start();
    await settle();
    expect(held).toHaveLength(1);
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    client.destroy();
  });
});
