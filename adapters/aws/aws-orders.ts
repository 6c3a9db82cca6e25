import { SFNClient } from '@aws-sdk/client-sfn';
import type { OrderDeps } from '../../src/app/orders/deps.ts';
import { TEST_PAYMENT_METHODS } from '../../src/domain/orders/payment-methods.ts';
import type { DeliveryZone } from '../../src/domain/orders/zones.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { CourierHeartbeats } from './courier-heartbeats.ts';
import { makeDynamo, type OrderTables } from './dynamo-client.ts';
import { DynamoInventory } from './dynamo-inventory.ts';
import { DynamoOrderStore } from './dynamo-order-store.ts';
import { SfnOrderWorkflow } from './sfn-order-workflow.ts';

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
  readonly log: Logger;
  /** How often waiting courier steps get a heartbeat; well under the ASL's HeartbeatSeconds (3600). */
  readonly heartbeatMs?: number;
  /** Tests pass a client aimed at a fake. */
  readonly sfnClient?: SFNClient;
}

/** Same shape as LocalOrders, so the composition root treats both modes alike. */
export interface AwsOrders {
  readonly deps: OrderDeps;
  /** Nothing to replay (Step Functions keeps executions); starts the courier heartbeats. */
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
  const sfn = options.sfnClient ?? new SFNClient({ region: options.region });
  const store = new DynamoOrderStore(doc, options.tables.orders);
  const workflow = new SfnOrderWorkflow(sfn, options.stateMachineArn);
  const heartbeats = new CourierHeartbeats(store, workflow, options.log.child({ area: 'orders' }));
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
      return heartbeats.beat();
    },
    async stop() {
      await heartbeats.stop();
      if (!options.sfnClient) sfn.destroy();
      client.destroy();
    },
  };
}
