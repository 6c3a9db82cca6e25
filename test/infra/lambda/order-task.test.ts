import { readFileSync } from 'node:fs';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureOrderTables } from '../../../adapters/aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import { LocalInventory } from '../../../adapters/local/local-inventory.ts';
import { buildTaskRuntime, handleTask, readTaskEnv, type TaskRuntime } from '../../../infra/lambda/order-task.ts';
import { placeOrder } from '../../../src/app/orders/place-order.ts';
import { type OrderId, userId } from '../../../src/domain/ids.ts';
import { orderIdFor } from '../../../src/domain/orders/order-id.ts';
import { TEST_PAYMENT_METHODS } from '../../../src/domain/orders/payment-methods.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { OrderWorkflow } from '../../../src/ports/order-workflow.ts';
import { aProduct, TABLES, testZones } from '../../support/order-stack.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const alice = userId('slack', 'T1/alice');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('order task Lambda (the same handlers, DynamoDB deps from the environment, on dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  let dynamoClient: ReturnType<typeof makeDynamo>['client'] | undefined;
  let runtime: TaskRuntime;
  const snsClient = new SNSClient({ region: 'us-east-1', credentials });
  const sfnClient = new SFNClient({ region: 'us-east-1', credentials });
  const sns = mockClient(snsClient);
  const sfn = mockClient(sfnClient);
  const started: OrderId[] = [];
  const workflow: OrderWorkflow = {
    start: async (order) => {
      started.push(order);
      return 'started';
    },
    completeTask: async () => false,
    failTask: async () => false,
  };

  const env = (endpoint: string) => ({
    AWS_REGION: 'us-east-1',
    ORDERS_TABLE: TABLES.orders,
    CATALOG_TABLE: TABLES.catalog,
    PAYMENTS_TABLE: TABLES.payments,
    ORDERS_TOPIC_ARN: TOPIC,
    DELIVERY_ZONES_JSON: readFileSync('config/delivery-zones.json', 'utf8'),
    DYNAMODB_ENDPOINT: endpoint,
  });

  async function newOrder(key: string, paymentMethod: string): Promise<OrderId> {
    const orderId = orderIdFor('slack', key);
    const placed = await placeOrder(
      {
        store: runtime.deps.orders,
        inventory: runtime.deps.inventory,
        workflow,
        zones: testZones,
        paymentMethods: TEST_PAYMENT_METHODS,
        maxQuantity: 20,
        preparationMinutes: 15,
        now: () => new Date(),
      },
      {
        orderId,
        user: alice,
        request: { productId: 'margherita', quantity: 2, address: '10001 Old Town', paymentMethod },
      },
    );
    if (!placed.ok) throw new Error(placed.error.message);
    return orderId;
  }

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    const { client, doc } = makeDynamo({ region: 'local', endpoint: dynamo.endpoint });
    dynamoClient = client;
    await ensureOrderTables(client, TABLES);
    runtime = buildTaskRuntime(readTaskEnv(env(dynamo.endpoint)), {
      sns: snsClient,
      sfn: sfnClient,
      log: silentLogger,
      // dynalite has no TransactWriteItems: the single-writer inventory stands in (dynamo-inventory.test.ts
      // checks the transactional one's requests).
      inventory: new LocalInventory(doc, TABLES.catalog),
    });
    await runtime.deps.inventory.put(aProduct({ stock: 10 }));
  });
  beforeEach(() => {
    sns.reset();
    sfn.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    sfn.on(SendTaskSuccessCommand).resolves({});
  });
  afterAll(async () => {
    dynamoClient?.destroy();
    await dynamo?.close();
  });

  it('runs the tasks as Step Functions passes them: quote, authorize, reserve, capture, confirm (published to SNS), await courier', async () => {
    const orderId = await newOrder('lambda-happy', 'tok_ok');
    const order = await handleTask(runtime, { task: 'validate', orderId });
    expect(order).toMatchObject({ id: orderId, user: alice, quantity: 2, status: 'received' });
    await expect(handleTask(runtime, { task: 'quoteDelivery', orderId, order })).resolves.toMatchObject({
      deliverable: true,
    });
    await handleTask(runtime, { task: 'authorizePayment', orderId, order });
    await expect(handleTask(runtime, { task: 'reserveStock', orderId, order })).resolves.toEqual({ available: true });
    expect((await runtime.deps.inventory.get('margherita'))?.stock).toBe(8);
    const payment = await handleTask(runtime, { task: 'capturePayment', orderId, order });
    expect(payment.chargeId).toMatch(/^ch_/);
    // ConfirmOrder: the status and the wait for the courier's "preparing" in one write.
    const waiting = await handleTask(runtime, {
      task: 'advanceAndAwait',
      status: 'confirmed',
      orderId,
      order,
      chargeId: payment.chargeId,
      token: 'sfn-token-1',
    });
    expect(waiting).toEqual({ waiting: true });
    const confirmed = await runtime.deps.orders.get(orderId);
    expect(confirmed?.status).toBe('confirmed');
    expect(confirmed?.awaiting).toEqual({ stage: 'preparing', token: 'sfn-token-1' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]?.TopicArn).toBe(TOPIC);
    expect(JSON.parse(published[0]?.Message ?? '{}')).toMatchObject({
      user: alice,
      reply: { title: 'Order confirmed (paid)' },
    });
  });

  it('replays a merged courier state: waits again under the new token until reported, then completes it itself', async () => {
    const orderId = await newOrder('lambda-merged-replay', 'tok_ok');
    const order = await handleTask(runtime, { task: 'validate', orderId });
    await handleTask(runtime, { task: 'authorizePayment', orderId, order });
    await handleTask(runtime, { task: 'reserveStock', orderId, order });
    const { chargeId } = await handleTask(runtime, { task: 'capturePayment', orderId, order });
    const confirm = { task: 'advanceAndAwait', status: 'confirmed', orderId, order, chargeId };
    await handleTask(runtime, { ...confirm, token: 'first' });

    // A retry or a redrive before the courier reported: the wait is re-armed under the new token, nothing announced.
    await expect(handleTask(runtime, { ...confirm, token: 'second' })).resolves.toEqual({ waiting: true });
    const rearmed = await runtime.deps.orders.get(orderId);
    expect(rearmed?.awaiting).toEqual({ stage: 'preparing', token: 'second' });
    expect(rearmed?.history.map((h) => h.status)).toEqual(['received', 'confirmed']);

    // The courier reported "preparing" (MarkPreparing ran); a late replay of ConfirmOrder must not wait again.
    await handleTask(runtime, {
      task: 'advanceAndAwait',
      status: 'preparing',
      orderId,
      order,
      chargeId,
      token: 'third',
    });
    await expect(handleTask(runtime, { ...confirm, token: 'fourth' })).resolves.toEqual({ waiting: false });
    const after = await runtime.deps.orders.get(orderId);
    expect(after?.status).toBe('preparing');
    expect(after?.awaiting).toEqual({ stage: 'out_for_delivery', token: 'third' });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'fourth', output: '{}' },
    ]);
    // One DM per status applied: confirmed and preparing, each once.
    const titles = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message ?? '{}').reply.title);
    expect(titles).toEqual(['Order confirmed (paid)', 'Order being prepared']);
  });

  it('refuses a merged courier state with a status it cannot move to, or without its token, changing nothing', async () => {
    const orderId = await newOrder('lambda-bad-status', 'tok_ok');
    await expect(
      handleTask(runtime, { task: 'advanceAndAwait', status: 'delivered', orderId, chargeId: 'ch_x', token: 't' }),
    ).rejects.toThrow(/confirmed, preparing, out_for_delivery/);
    await expect(
      handleTask(runtime, { task: 'advanceAndAwait', status: 'confirmed', orderId, chargeId: 'ch_x' }),
    ).rejects.toThrow(/needs the task token/);
    expect((await runtime.deps.orders.get(orderId))?.status).toBe('received');
  });

  it('completes the callback itself when the courier step already happened (definition before the merge)', async () => {
    const orderId = await newOrder('lambda-replay', 'tok_ok');
    const order = await handleTask(runtime, { task: 'validate', orderId });
    await handleTask(runtime, { task: 'authorizePayment', orderId, order });
    await handleTask(runtime, { task: 'reserveStock', orderId, order });
    const { chargeId } = await handleTask(runtime, { task: 'capturePayment', orderId, order });
    await handleTask(runtime, { task: 'confirmOrder', orderId, order, chargeId });
    await handleTask(runtime, { task: 'awaitCourier', stage: 'preparing', orderId, token: 'first' });
    await handleTask(runtime, { task: 'markStage', stage: 'preparing', orderId, order, chargeId });

    const replay = await handleTask(runtime, { task: 'awaitCourier', stage: 'preparing', orderId, token: 'second' });
    expect(replay).toEqual({ waiting: false });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'second', output: '{}' },
    ]);
  });

  it('throws errors named as the ASL’s Catch expects (Lambda reports the name as errorType)', async () => {
    const orderId = await newOrder('lambda-declined', 'tok_insufficient_funds');
    const order = await handleTask(runtime, { task: 'validate', orderId });
    await expect(handleTask(runtime, { task: 'authorizePayment', orderId, order })).rejects.toMatchObject({
      name: 'PaymentDeclined',
    });
    await expect(handleTask(runtime, { task: 'validate', orderId: 'ord_0000000000000000' })).rejects.toMatchObject({
      name: 'OrderMissing',
    });
    await expect(handleTask(runtime, { task: 'nope', orderId })).rejects.toThrow(/Bad task input/);
  });

  it('refuses an incomplete environment, naming each missing variable', () => {
    expect(() => readTaskEnv({ ORDERS_TABLE: 'o', ORDERS_TOPIC_ARN: 'topic' })).toThrow(
      /CATALOG_TABLE[\s\S]*PAYMENTS_TABLE[\s\S]*ORDERS_TOPIC_ARN[\s\S]*DELIVERY_ZONES_JSON/,
    );
  });
});
