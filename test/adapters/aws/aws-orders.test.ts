import {
  ExecutionAlreadyExists,
  SendTaskHeartbeatCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AwsOrders, startAwsOrders } from '../../../adapters/aws/aws-orders.ts';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureOrderTables } from '../../../adapters/aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import { placeOrder } from '../../../src/app/orders/place-order.ts';
import { text } from '../../../src/chat/reply.ts';
import { userId } from '../../../src/domain/ids.ts';
import { orderIdFor } from '../../../src/domain/orders/order-id.ts';
import { RecordingLogger, RecordingNotifier } from '../../support/command-context.ts';
import { aProduct, TABLES, testZones } from '../../support/order-stack.ts';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:sonicord-orders';
const meta = { $metadata: {} };
const alice = userId('discord', 'alice');
const request = { productId: 'margherita', quantity: 1, address: '10001 Old Town', paymentMethod: 'tok_ok' };

describe('startAwsOrders (DynamoDB adapters on dynalite, Step Functions client mocked)', () => {
  let dynamo: EmbeddedDynamo;
  let orders: AwsOrders;
  const sfnClient = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const sfn = mockClient(sfnClient);
  const log = new RecordingLogger();

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    const { client } = makeDynamo({ region: 'local', endpoint: dynamo.endpoint });
    await ensureOrderTables(client, TABLES);
    client.destroy();
    orders = startAwsOrders({
      region: 'us-east-1',
      stateMachineArn: ARN,
      tables: TABLES,
      dynamoEndpoint: dynamo.endpoint,
      zones: testZones,
      maxQuantity: 20,
      preparationMinutes: 15,
      now: () => new Date(),
      log,
      sfnClient,
    });
    await orders.deps.inventory.put(aProduct());
  });
  afterAll(async () => {
    await orders?.stop();
    await dynamo?.close();
  });

  it('/order writes the order once and starts the execution named after it; a retry creates nothing new', async () => {
    sfn.reset();
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: `${ARN}:x`, startDate: new Date() });
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', ...meta }));
    const orderId = orderIdFor('discord', 'aws-1');
    const first = await placeOrder(orders.deps, { orderId, user: alice, request });
    expect(first.ok && first.value.repeated).toBe(false);
    const again = await placeOrder(orders.deps, { orderId, user: alice, request });
    expect(again.ok && again.value.repeated).toBe(true);
    const starts = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(starts[0]).toEqual({ stateMachineArn: ARN, name: orderId, input: JSON.stringify({ orderId }) });
    expect(new Set(starts.map((s) => s.name))).toEqual(new Set([orderId]));
    expect(await orders.deps.store.listByUser(alice, 10)).toHaveLength(1);
  });

  it('heartbeats every courier step the workflow waits on, and counts stale ones out', async () => {
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:y`, startDate: new Date() });
    const waiting = orderIdFor('discord', 'aws-2');
    await placeOrder(orders.deps, { orderId: waiting, user: alice, request });
    await orders.deps.store.setAwaiting(waiting, { stage: 'preparing', token: 'token-hb' }, ['received']);

    sfn.on(SendTaskHeartbeatCommand).resolves({});
    await expect(orders.resume()).resolves.toBe(1);
    expect(sfn.commandCalls(SendTaskHeartbeatCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 'token-hb' }]);

    sfn.on(SendTaskHeartbeatCommand).rejects(new TaskTimedOut({ message: 'timed out', ...meta }));
    await expect(orders.resume()).resolves.toBe(0);
    sfn
      .on(SendTaskHeartbeatCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(orders.resume()).resolves.toBe(0);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'courier heartbeat failed' }));
  });

  it('with a notifications queue, resume() relays its messages to the notifier as DMs and stop() ends the relay', async () => {
    sfn.reset();
    const sqsClient = new SQSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const sqs = mockClient(sqsClient);
    const reply = text('Order `ord_1` is **confirmed**.', { title: 'Order confirmed' });
    const body = JSON.stringify({ type: 'order.notification', user: alice, reply, at: new Date().toISOString() });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: body }] })
      .resolves({});
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    const notifier = new RecordingNotifier();
    const base = { region: 'us-east-1', stateMachineArn: ARN, tables: TABLES, dynamoEndpoint: dynamo.endpoint };
    const common = { ...base, zones: testZones, maxQuantity: 20, preparationMinutes: 15, now: () => new Date() };
    const withQueue = startAwsOrders({
      ...common,
      log: new RecordingLogger(),
      sfnClient,
      sqsClient,
      notifier,
      notificationsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/sonicord-notifications',
    });
    await withQueue.resume();
    await vi.waitFor(() => expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1));
    expect(notifier.sent).toEqual([{ user: alice, reply }]);
    // Resolves only once the relay's loop has ended (it aborts the poll and the idle wait).
    await withQueue.stop();

    expect(() => startAwsOrders({ ...common, log, notificationsQueueUrl: 'sonicord-notifications', notifier })).toThrow(
      /ORDERS_NOTIFICATIONS_QUEUE_URL/,
    );
    expect(() => startAwsOrders({ ...common, log, notificationsQueueUrl: 'https://sqs/1/q' })).toThrow(/notifier/);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^no ORDERS_NOTIFICATIONS_QUEUE_URL/) }),
    );
    sqs.restore();
  });
});
