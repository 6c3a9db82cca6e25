import { SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureOrderTables } from '../../../adapters/aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import {
  buildReconcilerRuntime,
  type ReconcilerRuntime,
  readReconcilerEnv,
  reconcileOnce,
} from '../../../infra/lambda/order-reconciler.ts';
import { type OrderId, userId } from '../../../src/domain/ids.ts';
import type { Order, OrderState } from '../../../src/domain/orders/order.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { type FakeAwsJson, type JsonAnswer, startFakeAwsJson } from '../../support/fake-aws-json.ts';
import { TABLES } from '../../support/order-stack.ts';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:sonicord-orders';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:sonicord-orders';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const NOW = new Date('2026-12-04T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const id = (c: string) => `ord_${c.repeat(16)}` as OrderId;

type Execution = { status: string; redriveStatus?: string; redriveCount?: number };

function anOrder(orderId: OrderId, state: OrderState, createdMinutesAgo: number, extra: Partial<Order> = {}): Order {
  const at = minutesAgo(createdMinutesAgo);
  return {
    id: orderId,
    user: userId('discord', orderId.slice(-4)),
    productId: 'margherita',
    productName: 'Pizza Margherita',
    quantity: 1,
    address: '10001 Old Town',
    zoneId: 'old-town',
    paymentMethod: 'tok_ok',
    price: { unitPriceCents: 950, quantity: 1, itemsCents: 950, deliveryCents: 250, totalCents: 1200 },
    createdAt: at,
    eta: at,
    history: [{ status: 'received', at }, ...(state.status === 'received' ? [] : [{ status: state.status, at }])],
    ...state,
    ...extra,
  } as Order;
}

/**
 * The reconciler Lambda's pass over DynamoDB (dynalite) and Step Functions (a wire-level fake of the awsJson1_0
 * API: DescribeExecution, RedriveExecution, StartExecution, SendTaskHeartbeat), with SNS mocked.
 */
describe('order reconciler Lambda', { timeout: 120_000 }, () => {
  let dynamo: EmbeddedDynamo;
  let fake: FakeAwsJson;
  let runtime: ReconcilerRuntime;
  const executions = new Map<string, Execution>();
  const lines: string[] = [];
  const snsClient = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  const sns = mockClient(snsClient);
  let dynamoClient: ReturnType<typeof makeDynamo>['client'];

  const sfnApi = (request: { target: string | undefined; body: Record<string, unknown> }): JsonAnswer => {
    const action = request.target?.split('.')[1];
    const arn = String(request.body.executionArn ?? '');
    const name = arn.slice(EXECUTION.length + 1);
    switch (action) {
      case 'DescribeExecution': {
        const found = executions.get(name);
        if (!found)
          return { status: 400, errorType: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${arn}'` };
        return { body: { executionArn: arn, stateMachineArn: MACHINE, name, startDate: 1, ...found } };
      }
      case 'RedriveExecution':
        executions.set(name, { status: 'RUNNING', redriveCount: (executions.get(name)?.redriveCount ?? 0) + 1 });
        return { body: { redriveDate: 2 } };
      case 'StartExecution': {
        const started = String(request.body.name);
        if (executions.has(started)) return { status: 400, errorType: 'ExecutionAlreadyExists', message: 'exists' };
        executions.set(started, { status: 'RUNNING' });
        return { body: { executionArn: `${EXECUTION}:${started}`, startDate: 2 } };
      }
      case 'SendTaskHeartbeat':
        return request.body.taskToken === 'token-h'
          ? { body: {} }
          : { status: 400, errorType: 'TaskDoesNotExist', message: 'gone' };
      default:
        return { status: 400, errorType: 'UnknownOperationException', message: String(action) };
    }
  };

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo({});
    fake = await startFakeAwsJson('http1', sfnApi);
    const env = readReconcilerEnv({
      AWS_REGION: 'us-east-1',
      ORDERS_TABLE: TABLES.orders,
      ORDERS_TOPIC_ARN: TOPIC,
      STATE_MACHINE_ARN: MACHINE,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    });
    dynamoClient = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint }).client;
    await ensureOrderTables(dynamoClient, TABLES);
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
      maxAttempts: 1,
    });
    runtime = buildReconcilerRuntime(env, {
      sfn,
      sns: snsClient,
      log: silentLogger,
      emit: (l) => lines.push(l),
      now: () => NOW,
    });
  });
  afterAll(async () => {
    dynamoClient?.destroy();
    await fake?.close();
    await dynamo?.close();
  });

  it('starts, redrives, restarts or hands to staff each stuck order, resends pending notices, beats couriers', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const charged = { chargeId: 'ch_1' };
    const orders: Order[] = [
      anOrder(id('a'), { status: 'received' }, 30), // never started: start it
      anOrder(id('b'), { status: 'received' }, 1), // just placed: its start may be on the way
      anOrder(id('c'), { status: 'confirmed', ...charged }, 40), // failed, redrivable: redrive
      anOrder(id('d'), { status: 'preparing', ...charged }, 40), // timed out past the redrive window: fresh run
      anOrder(id('e'), { status: 'received' }, 2), // running
      anOrder(id('f'), { status: 'confirmed', ...charged }, 90), // failed five times: to staff
      anOrder(id('g'), { status: 'delivered', ...charged }, 90), // finished: not looked at
      anOrder(id('h'), { status: 'confirmed', ...charged }, 20, { awaiting: { stage: 'preparing', token: 'token-h' } }),
    ];
    for (const order of orders) await runtime.store.create(order);
    executions.set(id('c'), { status: 'FAILED', redriveStatus: 'REDRIVABLE', redriveCount: 0 });
    executions.set(id('d'), { status: 'TIMED_OUT', redriveStatus: 'NOT_REDRIVABLE' });
    executions.set(id('e'), { status: 'RUNNING' });
    executions.set(id('h'), { status: 'RUNNING' });
    for (const name of [id('f'), `${id('f')}-r1`, `${id('f')}-r2`, `${id('f')}-r3`, `${id('f')}-r4`]) {
      executions.set(name, { status: 'FAILED', redriveStatus: 'NOT_REDRIVABLE' });
    }
    // A status written long ago whose notice was never published (the task Lambda died after the write).
    await runtime.store.transition(
      id('g'),
      ['delivered'],
      { status: 'delivered', chargeId: 'ch_1' },
      {
        status: 'delivered',
        at: minutesAgo(80),
      },
    );

    const result = await reconcileOnce(runtime);

    expect(result).toMatchObject({ stuckReceived: 1, started: 1, redriven: 1, restarted: 1, gaveUp: 1, heartbeats: 1 });
    const calls = fake.requests.map(
      (r) =>
        `${r.target?.split('.')[1]} ${String(r.body.name ?? r.body.executionArn ?? r.body.taskToken ?? '').replace(`${EXECUTION}:`, '')}`,
    );
    expect(calls).toContain(`StartExecution ${id('a')}`);
    expect(calls).not.toContain(`StartExecution ${id('b')}`);
    expect(calls).toContain(`RedriveExecution ${id('c')}`);
    expect(calls).toContain(`StartExecution ${id('d')}-r1`);
    expect(calls.filter((c) => c.startsWith('StartExecution') || c.startsWith('Redrive'))).toHaveLength(3);
    expect(calls).toContain('SendTaskHeartbeat token-h');
    expect((await runtime.store.get(id('f')))?.status).toBe('needs_attention');
    // The staff hand-over's notice and the old "delivered" notice went to the topic; the outbox is empty.
    const published = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message ?? '{}'));
    expect(published.map((m) => m.key).sort()).toEqual([`${id('f')}:needs_attention`, `${id('g')}:delivered`].sort());
    expect(await runtime.records.pending('9999')).toEqual([]);
    // The metrics line CloudWatch reads (Embedded Metric Format).
    const metrics = JSON.parse(lines.at(-1) ?? '{}');
    expect(metrics._aws.CloudWatchMetrics[0].Namespace).toBe('Sonicord/Orders');
    expect(metrics).toMatchObject({ StuckReceivedOrders: 1, ExecutionsRedriven: 1, OrdersHandedToStaff: 1 });

    // A second pass finds everything running or settled: nothing is started twice.
    fake.requests.length = 0;
    const again = await reconcileOnce(runtime);
    expect(again).toMatchObject({ started: 0, redriven: 0, restarted: 0, gaveUp: 0 });
  });

  it('names what is wrong in its environment', () => {
    expect(() => readReconcilerEnv({ ORDERS_TABLE: 'o' })).toThrow(/STATE_MACHINE_ARN/);
  });
});
