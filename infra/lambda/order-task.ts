import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { DynamoInventory } from '../../adapters/aws/dynamo-inventory.ts';
import { DynamoNoticeRecords } from '../../adapters/aws/dynamo-notice-records.ts';
import { DynamoOrderStore } from '../../adapters/aws/dynamo-order-store.ts';
import { SnsNotifier } from '../../adapters/aws/sns-notifier.ts';
import { SandboxPaymentGateway } from '../../adapters/local/sandbox-payment-gateway.ts';
import { createPinoLogger } from '../../adapters/logging/pino-logger.ts';
import { manualCouriers } from '../../src/app/orders/demo-courier.ts';
import { OutboxNotices } from '../../src/app/orders/status-notices.ts';
import { parseZonesFile } from '../../src/domain/orders/config-files.ts';
import type { Inventory } from '../../src/ports/inventory.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { runTask, type TaskDeps } from '../../src/workflows/tasks.ts';

/**
 * The task Lambda of the order state machine: every Task of src/workflows/order.asl.json invokes this one function,
 * and the event's `task` names the handler, exactly as the local runner calls `runTask`. Errors keep their `name`
 * (`Transient`, `PaymentDeclined`), which Lambda reports as the errorType the ASL's Retry and Catch match.
 *
 * Bundled for a deploy by rolldown into infra/dist/order-task/index.mjs (handler `index.handler`, see
 * infra/README.md); the CDK stack ships that directory.
 */

const taskEnvSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  ORDERS_TABLE: z.string().min(1),
  CATALOG_TABLE: z.string().min(1),
  PAYMENTS_TABLE: z.string().min(1),
  ORDERS_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The delivery zones as JSON (config/delivery-zones.json, put here by the stack at synth). */
  DELIVERY_ZONES_JSON: z.string().min(2),
  /** Tests point the function at dynalite. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  LOG_LEVEL: z.string().default('info'),
});
export type TaskEnv = z.infer<typeof taskEnvSchema>;

export function readTaskEnv(source: Readonly<Record<string, string | undefined>>): TaskEnv {
  const parsed = taskEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid order task environment (set by infra/order-stack.ts):\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export interface TaskRuntime {
  readonly deps: TaskDeps;
  readonly sfn: SFNClient;
  readonly log: Logger;
}

/** DynamoDB-backed task deps from the function's environment; clients may be given (tests). */
export function buildTaskRuntime(
  env: TaskEnv,
  clients: { sns?: SNSClient; sfn?: SFNClient; log?: Logger; inventory?: Inventory } = {},
): TaskRuntime {
  const log = clients.log ?? createPinoLogger(env.LOG_LEVEL);
  const { doc } = makeDynamo({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  });
  const sns = clients.sns ?? new SNSClient({ region: env.AWS_REGION });
  const deps: TaskDeps = {
    orders: new DynamoOrderStore(doc, env.ORDERS_TABLE),
    // TransactWriteItems: a stand-in without transactions (dynalite in tests) passes its own inventory.
    inventory: clients.inventory ?? new DynamoInventory(doc, env.CATALOG_TABLE),
    // The sandbox gateway keeps its outcomes in the payments table, so it works here too; a real PSP adapter
    // implementing PaymentGateway replaces it without touching the tasks.
    payments: new SandboxPaymentGateway(doc, env.PAYMENTS_TABLE),
    // The Lambda reaches nobody directly: every status notice goes to the topic, subscribers deliver it. Publish,
    // then clear the outbox record the transition wrote; what fails here the reconciler's sweep publishes later.
    // Two tries of 4 s at most stay well inside the function's 25 s.
    notices: new OutboxNotices({
      publisher: new SnsNotifier(sns, env.ORDERS_TOPIC_ARN),
      outbox: new DynamoNoticeRecords(doc, env.ORDERS_TABLE),
      log,
      attempts: 2,
      timeoutMs: 4_000,
    }),
    // Couriers report through /deliver (SendTaskSuccess) with the token the task stores on the order.
    couriers: manualCouriers,
    zones: parseZonesFile(JSON.parse(env.DELIVERY_ZONES_JSON), 'DELIVERY_ZONES_JSON'),
    now: () => new Date(),
  };
  return { deps, sfn: clients.sfn ?? new SFNClient({ region: env.AWS_REGION }), log };
}

/** Runs one task event. A courier step that already happened must not leave Step Functions waiting forever. */
export async function handleTask(runtime: TaskRuntime, event: unknown): Promise<Record<string, unknown>> {
  const result = await runTask(runtime.deps, event);
  const { task, token } = (event ?? {}) as { task?: unknown; token?: unknown };
  // awaitCourier, advanceAndAwait: a callback task that found its courier step already reported waits for nothing.
  if (result.waiting === false && typeof token === 'string' && token !== '') {
    // Locally the runner returns at once; here the callback state waits for its token, so complete it ourselves.
    await runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    runtime.log.info({ task }, 'courier step already reported: task completed without waiting');
  }
  return result;
}

let runtime: TaskRuntime | undefined;

/** The Lambda entry point; clients and deps are built once per container. */
export async function handler(event: unknown): Promise<Record<string, unknown>> {
  runtime ??= buildTaskRuntime(readTaskEnv(process.env));
  return handleTask(runtime, event);
}
