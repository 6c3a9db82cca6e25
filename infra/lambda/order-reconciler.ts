import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { CourierHeartbeats } from '../../adapters/aws/courier-heartbeats.ts';
import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { DynamoNoticeRecords } from '../../adapters/aws/dynamo-notice-records.ts';
import { DynamoOrderStore } from '../../adapters/aws/dynamo-order-store.ts';
import { SfnOrderExecutions } from '../../adapters/aws/sfn-order-executions.ts';
import { SfnOrderWorkflow } from '../../adapters/aws/sfn-order-workflow.ts';
import { SnsNotifier } from '../../adapters/aws/sns-notifier.ts';
import { createPinoLogger } from '../../adapters/logging/pino-logger.ts';
import { reconcileOrders } from '../../src/app/orders/reconcile-orders.ts';
import { flushOutbox, OutboxNotices } from '../../src/app/orders/status-notices.ts';
import type { Logger } from '../../src/ports/logger.ts';

/**
 * The scheduled reconciler (an EventBridge schedule in infra/order-stack.ts, every few minutes). One pass:
 * 1. finishes orders whose execution failed, timed out or was aborted (RedriveExecution within the redrive window,
 *    else a fresh execution `<orderId>-r<k>`), starts orders "received" longer than STALE_RECEIVED_MINUTES with no
 *    execution, and hands orders to staff after MAX_ATTEMPTS;
 * 2. publishes status notices the task Lambda could not (the outbox sweep);
 * 3. heartbeats every waiting courier step, so they never depend on a bot process being up;
 * 4. prints its counts as CloudWatch Embedded Metric Format: StuckReceivedOrders drives an alarm.
 */
const envSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  ORDERS_TABLE: z.string().min(1),
  ORDERS_TOPIC_ARN: z.string().startsWith('arn:'),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  STALE_RECEIVED_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  METRICS_NAMESPACE: z.string().min(1).default('Sonicord/Orders'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  LOG_LEVEL: z.string().default('info'),
});
export type ReconcilerEnv = z.infer<typeof envSchema>;

export function readReconcilerEnv(source: Readonly<Record<string, string | undefined>>): ReconcilerEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid order reconciler environment (set by infra/order-stack.ts):\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export interface ReconcilerRuntime {
  readonly env: ReconcilerEnv;
  readonly log: Logger;
  readonly store: DynamoOrderStore;
  readonly records: DynamoNoticeRecords;
  readonly executions: SfnOrderExecutions;
  readonly notices: OutboxNotices;
  readonly heartbeats: CourierHeartbeats;
  /** Where the metrics line goes (stdout in Lambda, where CloudWatch reads EMF). */
  readonly emit: (line: string) => void;
  readonly now: () => Date;
}

export function buildReconcilerRuntime(
  env: ReconcilerEnv,
  clients: { sfn?: SFNClient; sns?: SNSClient; log?: Logger; emit?: (line: string) => void; now?: () => Date } = {},
): ReconcilerRuntime {
  const log = clients.log ?? createPinoLogger(env.LOG_LEVEL);
  const { doc } = makeDynamo({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  });
  const sfn = clients.sfn ?? new SFNClient({ region: env.AWS_REGION });
  const store = new DynamoOrderStore(doc, env.ORDERS_TABLE);
  const records = new DynamoNoticeRecords(doc, env.ORDERS_TABLE);
  const notices = new OutboxNotices({
    publisher: new SnsNotifier(clients.sns ?? new SNSClient({ region: env.AWS_REGION }), env.ORDERS_TOPIC_ARN),
    outbox: records,
    log,
    attempts: 2,
    timeoutMs: 4_000,
  });
  return {
    env,
    log,
    store,
    records,
    executions: new SfnOrderExecutions(sfn, env.STATE_MACHINE_ARN),
    notices,
    heartbeats: new CourierHeartbeats(store, new SfnOrderWorkflow(sfn, env.STATE_MACHINE_ARN), log),
    emit: clients.emit ?? ((line) => process.stdout.write(`${line}\n`)),
    now: clients.now ?? (() => new Date()),
  };
}

export interface ReconcilerResult {
  readonly stuckReceived: number;
  readonly started: number;
  readonly redriven: number;
  readonly restarted: number;
  readonly gaveUp: number;
  readonly noticesSent: number;
  readonly heartbeats: number;
}

export async function reconcileOnce(runtime: ReconcilerRuntime): Promise<ReconcilerResult> {
  const report = await reconcileOrders(
    {
      store: runtime.store,
      executions: runtime.executions,
      notices: runtime.notices,
      now: runtime.now,
      log: runtime.log,
    },
    { staleReceivedMs: runtime.env.STALE_RECEIVED_MINUTES * 60_000, maxAttempts: runtime.env.MAX_ATTEMPTS },
  );
  // A minute's grace: the task Lambda's own publish of a fresh notice is not raced.
  const noticesSent = await flushOutbox({
    outbox: runtime.records,
    notices: runtime.notices,
    now: runtime.now,
    graceMs: 60_000,
  });
  const heartbeats = await runtime.heartbeats.beat();
  const result = {
    stuckReceived: report.stuckReceived,
    started: report.started,
    redriven: report.redriven,
    restarted: report.restarted,
    gaveUp: report.gaveUp,
    noticesSent,
    heartbeats,
  };
  runtime.emit(metricsLine(runtime.env.METRICS_NAMESPACE, result, runtime.now()));
  return result;
}

/** CloudWatch Embedded Metric Format: one JSON log line that CloudWatch turns into metrics (no PutMetricData call). */
export function metricsLine(namespace: string, result: ReconcilerResult, at: Date): string {
  const names: Record<keyof ReconcilerResult, string> = {
    stuckReceived: 'StuckReceivedOrders',
    started: 'OrdersStarted',
    redriven: 'ExecutionsRedriven',
    restarted: 'ExecutionsRestarted',
    gaveUp: 'OrdersHandedToStaff',
    noticesSent: 'StatusNoticesResent',
    heartbeats: 'CourierHeartbeats',
  };
  const values = Object.fromEntries(
    Object.entries(names).map(([key, name]) => [name, result[key as keyof ReconcilerResult]]),
  );
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[]],
          Metrics: Object.values(names).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    ...values,
  });
}

let runtime: ReconcilerRuntime | undefined;

/** The Lambda entry point (the schedule's event carries nothing it needs). */
export async function handler(): Promise<ReconcilerResult> {
  runtime ??= buildReconcilerRuntime(readReconcilerEnv(process.env));
  return reconcileOnce(runtime);
}
