import { readFile } from 'node:fs/promises';
import { startAwsOrders } from '../../adapters/aws/aws-orders.ts';
import { startLocalOrders } from '../../adapters/local/local-orders.ts';
import type { OrderDeps } from '../app/orders/deps.ts';
import type { Env } from '../config.ts';
import { parseCatalogFile, parseZonesFile } from '../domain/orders/config-files.ts';
import type { OrderStatus } from '../domain/orders/order.ts';
import type { Logger } from '../ports/logger.ts';
import type { Notifier } from '../ports/notifier.ts';

/** Either mode: the deps /order and /track use, `resume` once surfaces can deliver notifications, `stop`. */
export interface RunningOrders {
  readonly deps: OrderDeps;
  resume(): Promise<number>;
  stop(): Promise<void>;
}

const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

/**
 * ORDERS_MODE=local (default): the ASL file in-process over embedded dynalite, data under DATA_DIR.
 * ORDERS_MODE=aws: Step Functions and DynamoDB deployed by infra/ from the same ASL file.
 */
export async function composeOrders(
  env: Env,
  notifier: Notifier,
  log: Logger,
  /** Each applied transition of an order run here (local mode; in the cloud the task Lambdas run them). */
  onStatus?: (status: OrderStatus) => void,
): Promise<RunningOrders> {
  const running = await startOrders(env, notifier, log, onStatus);
  // The same in both modes: a repeat of an order this soon asks to confirm (place-order.ts).
  return { ...running, deps: { ...running.deps, repeatWindowMs: env.ORDERS_DUPLICATE_WINDOW_SECONDS * 1000 } };
}

async function startOrders(
  env: Env,
  notifier: Notifier,
  log: Logger,
  onStatus?: (status: OrderStatus) => void,
): Promise<RunningOrders> {
  const zones = parseZonesFile(await readJson(env.DELIVERY_ZONES_FILE), env.DELIVERY_ZONES_FILE);
  const tables = { orders: env.ORDERS_TABLE, catalog: env.CATALOG_TABLE, payments: env.PAYMENTS_TABLE };
  const common = {
    zones,
    tables,
    log,
    maxQuantity: env.ORDERS_MAX_QUANTITY,
    preparationMinutes: env.ORDERS_PREPARATION_MINUTES,
    now: () => new Date(),
  };
  if (env.ORDERS_MODE === 'aws') {
    if (!env.ORDERS_STATE_MACHINE_ARN) {
      throw new Error('ORDERS_MODE=aws needs ORDERS_STATE_MACHINE_ARN (an output of the infra/ stack).');
    }
    return startAwsOrders({
      ...common,
      region: env.AWS_REGION,
      stateMachineArn: env.ORDERS_STATE_MACHINE_ARN,
      ...(env.DYNAMODB_ENDPOINT ? { dynamoEndpoint: env.DYNAMODB_ENDPOINT } : {}),
      notifier,
      ...(env.ORDERS_NOTIFICATIONS_QUEUE_URL ? { notificationsQueueUrl: env.ORDERS_NOTIFICATIONS_QUEUE_URL } : {}),
    });
  }
  return startLocalOrders({
    ...common,
    dataDir: env.DATA_DIR,
    initialCatalog: parseCatalogFile(await readJson(env.CATALOG_FILE), env.CATALOG_FILE),
    notifier,
    ...(onStatus ? { onStatus } : {}),
    ...(env.DEMO_COURIER
      ? {
          demoCourier: {
            preparing: env.DEMO_COURIER_PREPARING_MS,
            out_for_delivery: env.DEMO_COURIER_OUT_FOR_DELIVERY_MS,
            delivered: env.DEMO_COURIER_DELIVERED_MS,
          },
        }
      : {}),
    ...(env.ORDERS_COURIER_TIMEOUT_MS === undefined ? {} : { courierTimeoutMs: env.ORDERS_COURIER_TIMEOUT_MS }),
    maxBacklog: env.ORDERS_MAX_BACKLOG,
  });
}
