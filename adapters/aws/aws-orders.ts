import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { OrderDeps } from '../../src/app/orders/deps.ts';
import { TEST_PAYMENT_METHODS } from '../../src/domain/orders/payment-methods.ts';
import type { DeliveryZone } from '../../src/domain/orders/zones.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier } from '../../src/ports/notifier.ts';
import type { NoticeLedger } from '../../src/ports/status-notices.ts';
import { CourierHeartbeats } from './courier-heartbeats.ts';
import { makeDynamo, type OrderTables } from './dynamo-client.ts';
import { DynamoInventory } from './dynamo-inventory.ts';
import { DynamoNoticeRecords } from './dynamo-notice-records.ts';
import { DynamoOrderStore } from './dynamo-order-store.ts';
import { SfnOrderWorkflow } from './sfn-order-workflow.ts';
import { SqsNotificationRelay } from './sqs-notification-relay.ts';

export interface AwsOrdersOptions {
  readonly region: string;
  /** ORDERS_STATE_MACHINE_ARN: output of the infra/ stack. */
  readonly stateMachineArn: string;
  readonly tables: OrderTables;
  /** DYNAMODB_ENDPOINT (DynamoDB Local, tests); absent: the region's DynamoDB. */
  readonly dynamoEndpoint?: string;
  readonly zones: readonly DeliveryZone[];
  readonly maxQuantity: number;
  readonly preparationMinutes: number;
  readonly now: () => Date;
  /** Already tagged with `area: orders` by the caller (a second tag would repeat the field in every line). */
  readonly log: Logger;
  /** How often waiting courier steps get a heartbeat; well under the ASL's HeartbeatSeconds (3600). */
  readonly heartbeatMs?: number;
  /** Tests pass a client aimed at a fake. */
  readonly sfnClient?: SFNClient;
  /**
   * ORDERS_NOTIFICATIONS_QUEUE_URL: the queue the stack subscribes to the status topic. With it, each status change
   * comes back to `notifier` (the RoutingNotifier) as a direct message; without it, customers get no DMs.
   */
  readonly notificationsQueueUrl?: string;
  /** Required with notificationsQueueUrl. */
  readonly notifier?: Notifier;
  /** Tests pass a client aimed at a fake. */
  readonly sqsClient?: SQSClient;
}

/** Same shape as LocalOrders, so the composition root treats both modes alike. */
export interface AwsOrders {
  readonly deps: OrderDeps;
  /** Nothing to replay (Step Functions keeps executions); starts the courier heartbeats and the notification relay. */
  resume(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Cloud orders: DynamoDB tables and the Standard state machine deployed by infra/. The bot writes the order and
 * starts its execution; the task Lambda does the rest and publishes every status change to the SNS topic.
 */
export function startAwsOrders(options: AwsOrdersOptions): AwsOrders {
  const { client, doc } = makeDynamo({
    region: options.region,
    ...(options.dynamoEndpoint ? { endpoint: options.dynamoEndpoint } : {}),
  });
  const notifications = notificationRelay(options, new DynamoNoticeRecords(doc, options.tables.orders));
  const sfn = options.sfnClient ?? new SFNClient({ region: options.region });
  const store = new DynamoOrderStore(doc, options.tables.orders);
  const workflow = new SfnOrderWorkflow(sfn, options.stateMachineArn);
  const heartbeats = new CourierHeartbeats(store, workflow, options.log);
  const deps: OrderDeps = {
    store,
    inventory: new DynamoInventory(doc, options.tables.catalog),
    workflow,
    zones: options.zones,
    // The task Lambda charges through the sandbox gateway (see infra/lambda/order-task.ts): same test tokens.
    paymentMethods: TEST_PAYMENT_METHODS,
    maxQuantity: options.maxQuantity,
    preparationMinutes: options.preparationMinutes,
    now: options.now,
  };
  return {
    deps,
    async resume() {
      heartbeats.start(options.heartbeatMs ?? 15 * 60_000);
      // Called once the surfaces have attached their messengers to the notifier, so no notice finds nobody.
      notifications?.relay.start();
      return heartbeats.beat();
    },
    async stop() {
      await notifications?.relay.stop();
      if (notifications && !options.sqsClient) notifications.client.destroy();
      await heartbeats.stop();
      if (!options.sfnClient) sfn.destroy();
      client.destroy();
    },
  };
}

function notificationRelay(
  options: AwsOrdersOptions,
  ledger: NoticeLedger,
): { relay: SqsNotificationRelay; client: SQSClient } | undefined {
  const log = options.log;
  if (options.notificationsQueueUrl === undefined) {
    log.warn({}, 'no ORDERS_NOTIFICATIONS_QUEUE_URL: customers get no direct messages about their orders');
    return undefined;
  }
  if (!options.notifier) throw new Error('startAwsOrders: notificationsQueueUrl needs a notifier to deliver to');
  const client = options.sqsClient ?? new SQSClient({ region: options.region });
  return {
    client,
    relay: new SqsNotificationRelay(client, options.notificationsQueueUrl, { notifier: options.notifier, ledger }, log),
  };
}
