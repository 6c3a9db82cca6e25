import { readFileSync } from 'node:fs';
import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { DynamoOrderStore } from '../../adapters/aws/dynamo-order-store.ts';
import { ensureOrderTables } from '../../adapters/aws/dynamo-tables.ts';
import { startEmbeddedDynamo } from '../../adapters/local/embedded-dynalite.ts';
import { LocalInventory } from '../../adapters/local/local-inventory.ts';
import { localNotices } from '../../adapters/local/local-notices.ts';
import { LocalOrderWorkflow, type LocalWorkflowOptions } from '../../adapters/local/local-order-workflow.ts';
import { SandboxPaymentGateway } from '../../adapters/local/sandbox-payment-gateway.ts';
import { advanceDelivery } from '../../src/app/orders/advance-delivery.ts';
import { auditOrders } from '../../src/app/orders/audit-orders.ts';
import { type CourierDelays, DemoCourier, manualCouriers } from '../../src/app/orders/demo-courier.ts';
import type { OrderDeps } from '../../src/app/orders/deps.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { OrderId, UserId } from '../../src/domain/ids.ts';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import { parseZonesFile } from '../../src/domain/orders/config-files.ts';
import type { Order, OrderStatus } from '../../src/domain/orders/order.ts';
import { TEST_PAYMENT_METHODS } from '../../src/domain/orders/payment-methods.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { Notifier, NotifyOutcome } from '../../src/ports/notifier.ts';
import type { NoticePublisher } from '../../src/ports/status-notices.ts';

export const testZones = parseZonesFile(JSON.parse(readFileSync('config/delivery-zones.json', 'utf8')));

export const TABLES = { orders: 'orders', catalog: 'catalog', payments: 'payments' } as const;

/** Records every direct message, per user. */
export class RecordingNotifier implements Notifier {
  readonly sent: { user: UserId; reply: Reply }[] = [];
  async notify(user: UserId, reply: Reply): Promise<NotifyOutcome> {
    this.sent.push({ user, reply });
    return 'sent';
  }
  textsFor(user: UserId): string[] {
    return this.sent.filter((m) => m.user === user).map((m) => (m.reply.kind === 'text' ? m.reply.text : m.reply.kind));
  }
}

export interface StackOptions {
  readonly path?: string;
  readonly products?: readonly StockedProduct[];
  /** Demo courier delays; absent: manual courier (the test reports steps). */
  readonly courierDelays?: CourierDelays;
  readonly stateOverrides?: LocalWorkflowOptions['stateOverrides'];
  readonly courierTimeoutMs?: number;
  readonly taskTimeoutMs?: number;
  readonly around?: LocalWorkflowOptions['around'];
  /** Wraps the status-notice publisher (faults: throws, hangs, lost publishes, duplicates, reordering). */
  readonly wrapPublisher?: (publisher: NoticePublisher) => NoticePublisher;
  readonly publishTimeoutMs?: number;
  /** Skips table creation and seeding (a restart over existing data). */
  readonly reopen?: boolean;
  /** Each applied transition (the metrics hook). */
  readonly onStatus?: (status: OrderStatus) => void;
  /** The runner's backlog limit (new orders are refused as busy beyond it). */
  readonly maxBacklog?: number;
}

export const aProduct = (overrides: Partial<StockedProduct> = {}): StockedProduct => ({
  id: 'margherita',
  name: 'Pizza Margherita',
  priceCents: 950,
  stock: 100,
  ...overrides,
});

/** dynalite on 127.0.0.1 + the real DynamoDB adapters + the in-process ASL runner: the embedded stack. */
export async function startOrderStack(options: StackOptions = {}) {
  // In a worker thread, as startLocalOrders runs it.
  const dynamo = await startEmbeddedDynamo({
    ...(options.path === undefined ? {} : { path: options.path }),
    thread: true,
  });
  const { client, doc } = makeDynamo({
    region: 'local',
    endpoint: dynamo.endpoint,
    unsignedLoopback: true,
    ...(dynamo.requestHandler ? { requestHandler: dynamo.requestHandler } : {}),
  });
  if (!options.reopen) await ensureOrderTables(client, TABLES);
  const inventory = new LocalInventory(doc, TABLES.catalog);
  if (!options.reopen) for (const p of options.products ?? [aProduct()]) await inventory.put(p);
  const store = new DynamoOrderStore(doc, TABLES.orders);
  const payments = new SandboxPaymentGateway(doc, TABLES.payments);
  const notifier = new RecordingNotifier();
  const notices = localNotices({
    doc,
    ordersTable: TABLES.orders,
    notifier,
    log: silentLogger,
    now: () => new Date(),
    ...(options.wrapPublisher ? { wrapPublisher: options.wrapPublisher } : {}),
    ...(options.publishTimeoutMs === undefined ? {} : { publishTimeoutMs: options.publishTimeoutMs }),
  });
  const courier = options.courierDelays ? new DemoCourier(options.courierDelays, silentLogger) : undefined;
  const workflow = new LocalOrderWorkflow({
    deps: {
      orders: store,
      inventory,
      payments,
      notices: notices.notices,
      couriers: courier ?? manualCouriers,
      zones: testZones,
      now: () => new Date(),
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    },
    log: silentLogger,
    retryDelayMs: 5,
    ...(options.courierTimeoutMs === undefined ? {} : { courierTimeoutMs: options.courierTimeoutMs }),
    ...(options.stateOverrides ? { stateOverrides: options.stateOverrides } : {}),
    ...(options.taskTimeoutMs === undefined ? {} : { taskTimeoutMs: options.taskTimeoutMs }),
    ...(options.around ? { around: options.around } : {}),
    ...(options.maxBacklog === undefined ? {} : { maxBacklog: options.maxBacklog }),
  });
  const orders: OrderDeps = {
    store,
    inventory,
    workflow,
    zones: testZones,
    paymentMethods: TEST_PAYMENT_METHODS,
    maxQuantity: 20,
    preparationMinutes: 15,
    now: () => new Date(),
  };
  courier?.connect({
    complete: (token, stage) => workflow.completeTask(token, { stage }),
    advance: async (order, stage) => {
      const outcome = await advanceDelivery(orders, { orderRef: order, stage });
      if (!outcome.ok) throw new Error(outcome.error.message);
    },
  });

  /** Polls the store until the order reaches the status (generous: slow shared machines). */
  async function waitForStatus(id: OrderId, status: OrderStatus, timeoutMs = 60_000): Promise<Order> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const order = await store.get(id);
      if (order?.status === status) return order;
      if (Date.now() > deadline) throw new Error(`order ${id} is ${order?.status ?? 'missing'}, expected ${status}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** Waits until the workflow parks on the given courier step. */
  async function waitForAwaiting(id: OrderId, stage: string, timeoutMs = 60_000): Promise<Order> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const order = await store.get(id);
      if (order?.awaiting?.stage === stage) return order;
      if (Date.now() > deadline)
        throw new Error(`order ${id} does not wait for ${stage} (${order?.status ?? 'missing'})`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** An outbox sweep through a fault-free publisher (what the next process runs at start). */
  const cleanSweep = () =>
    localNotices({ doc, ordersTable: TABLES.orders, notifier, log: silentLogger, now: () => new Date() }).sweep(0);

  /** The invariants over every order of this stack (initial stock per product when known). */
  const audit = (initialStock?: ReadonlyMap<string, number>, quiescent = false) =>
    auditOrders({ store, inventory, payments }, { ...(initialStock ? { initialStock } : {}), quiescent });

  async function close(): Promise<void> {
    courier?.stop();
    await workflow.stop();
    await notices.settled(5_000);
    client.destroy();
    await dynamo.close();
  }

  return {
    dynamo,
    client,
    doc,
    inventory,
    store,
    payments,
    notifier,
    notices,
    cleanSweep,
    workflow,
    orders,
    waitForStatus,
    waitForAwaiting,
    audit,
    close,
  };
}

export type OrderStack = Awaited<ReturnType<typeof startOrderStack>>;
