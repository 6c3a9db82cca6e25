import { join } from 'node:path';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { type CourierDelays, DemoCourier, manualCouriers } from '../../src/app/orders/demo-courier.ts';
import type { OrderDeps } from '../../src/app/orders/deps.ts';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import type { OrderStatus } from '../../src/domain/orders/order.ts';
import { TEST_PAYMENT_METHODS } from '../../src/domain/orders/payment-methods.ts';
import type { DeliveryZone } from '../../src/domain/orders/zones.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier } from '../../src/ports/notifier.ts';
import { makeDynamo, type OrderTables } from '../aws/dynamo-client.ts';
import { DynamoOrderStore } from '../aws/dynamo-order-store.ts';
import { ensureOrderTables } from '../aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from './embedded-dynalite.ts';
import { LocalInventory } from './local-inventory.ts';
import { localNotices } from './local-notices.ts';
import { LocalOrderWorkflow } from './local-order-workflow.ts';
import { SandboxPaymentGateway } from './sandbox-payment-gateway.ts';

export interface LocalOrdersOptions {
  /** dynalite keeps its data under `<dataDir>/dynalite`; absent: in memory. */
  readonly dataDir?: string;
  readonly tables: OrderTables;
  readonly zones: readonly DeliveryZone[];
  /** Written when the catalog table is empty (first start); `npm run seed` overwrites stock later. */
  readonly initialCatalog: readonly StockedProduct[];
  readonly notifier: Notifier;
  /** Already tagged with `area: orders` by the caller (a second tag would repeat the field in every line). */
  readonly log: Logger;
  /** Demo courier delays; absent: staff report each step with /deliver. */
  readonly demoCourier?: CourierDelays;
  readonly courierTimeoutMs?: number;
  /** Orders being worked on at once before new ones are refused as "busy" (ORDERS_MAX_BACKLOG); absent: no limit. */
  readonly maxBacklog?: number;
  /**
   * How often the reconciler looks at orders whose execution failed since (default 60 s; 0: only at start). The
   * whole table of unfinished orders is read once, at start (`resume`).
   */
  readonly reconcileEveryMs?: number;
  /** How often status notices left pending (a failed publish) are sent again (default 10 s; 0: only at start). */
  readonly noticeSweepMs?: number;
  readonly maxQuantity: number;
  readonly preparationMinutes: number;
  readonly now: () => Date;
  /** Each applied order transition (metrics). */
  readonly onStatus?: (status: OrderStatus) => void;
}

export interface LocalOrders {
  readonly deps: OrderDeps;
  /** How busy the embedded store's thread has been (see EmbeddedDynamo.eventLoopUtilization). */
  readonly storeUtilization?: EmbeddedDynamo['eventLoopUtilization'];
  /**
   * Repairs a reservation a crash cut in half, replays every unfinished order, then keeps reconciling periodically
   * (call once the surfaces can deliver notifications).
   */
  resume(): Promise<number>;
  stop(): Promise<void>;
}

/** One-machine orders: embedded dynalite on 127.0.0.1, the DynamoDB adapters, the in-process ASL runner. */
export async function startLocalOrders(options: LocalOrdersOptions): Promise<LocalOrders> {
  const dynamo = await startEmbeddedDynamo({
    ...(options.dataDir === undefined ? {} : { path: join(options.dataDir, 'dynalite') }),
    thread: true,
  });
  const { client, doc } = makeDynamo({
    region: 'local',
    endpoint: dynamo.endpoint,
    unsignedLoopback: true,
    ...(dynamo.requestHandler ? { requestHandler: dynamo.requestHandler } : {}),
  });
  await ensureOrderTables(client, options.tables);
  const inventory = new LocalInventory(doc, options.tables.catalog);
  if ((await inventory.list()).length === 0) for (const product of options.initialCatalog) await inventory.put(product);
  const store = new DynamoOrderStore(doc, options.tables.orders);
  const notices = localNotices({
    doc,
    ordersTable: options.tables.orders,
    notifier: options.notifier,
    log: options.log,
    now: options.now,
  });
  const courier = options.demoCourier ? new DemoCourier(options.demoCourier, options.log) : undefined;
  const workflow = new LocalOrderWorkflow({
    deps: {
      orders: store,
      inventory,
      payments: new SandboxPaymentGateway(doc, options.tables.payments),
      notices: notices.notices,
      couriers: courier ?? manualCouriers,
      zones: options.zones,
      now: options.now,
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    },
    log: options.log,
    ...(options.courierTimeoutMs === undefined ? {} : { courierTimeoutMs: options.courierTimeoutMs }),
    ...(options.maxBacklog === undefined ? {} : { maxBacklog: options.maxBacklog }),
  });
  const deps: OrderDeps = {
    store,
    inventory,
    workflow,
    zones: options.zones,
    paymentMethods: TEST_PAYMENT_METHODS,
    maxQuantity: options.maxQuantity,
    preparationMinutes: options.preparationMinutes,
    now: options.now,
  };
  courier?.connect({
    complete: (token, stage) => workflow.completeTask(token, { stage }),
    advance: async (order, stage) => {
      const outcome = await advanceDelivery(deps, { orderRef: order, stage });
      if (!outcome.ok) options.log.info({ order, stage, code: outcome.error.code }, 'demo courier step skipped');
    },
  });
  const log = options.log.child({ area: 'orders' });
  let reconciler: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  const sweep = (graceMs: number) => {
    sweeping ??= notices
      .sweep(graceMs)
      .catch((error: unknown) => log.error({ err: error }, 'status notice sweep failed'))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };
  return {
    deps,
    ...(dynamo.eventLoopUtilization ? { storeUtilization: dynamo.eventLoopUtilization } : {}),
    async resume() {
      const repaired = await inventory.repair();
      if (repaired > 0) log.warn({ repaired }, 'completed reservation writes cut by a crash');
      // Notices a crash left pending (written with their status, never published): none is recent after a restart.
      await sweep(0);
      const resumed = await workflow.resumeUnfinished();
      const sweepEvery = options.noticeSweepMs ?? 10_000;
      if (sweepEvery > 0 && sweeper === undefined) {
        sweeper = setInterval(() => void sweep(sweepEvery), sweepEvery);
        sweeper.unref();
      }
      const every = options.reconcileEveryMs ?? 60_000;
      if (every > 0 && reconciler === undefined) {
        reconciler = setInterval(() => {
          workflow.reconcileSuspects().catch((error: unknown) => log.error({ err: error }, 'reconciler failed'));
        }, every);
        reconciler.unref();
      }
      return resumed;
    },
    async stop() {
      clearInterval(reconciler);
      clearInterval(sweeper);
      await sweeping;
      courier?.stop();
      await workflow.stop();
      await notices.settled(5_000);
      client.destroy();
      await dynamo.close();
    },
  };
}
