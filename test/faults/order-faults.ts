import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { DynamoOrderStore } from '../../adapters/aws/dynamo-order-store.ts';
import { ensureOrderTables } from '../../adapters/aws/dynamo-tables.ts';
import { startEmbeddedDynamo } from '../../adapters/local/embedded-dynalite.ts';
import { LocalInventory } from '../../adapters/local/local-inventory.ts';
import { type LocalNotices, localNotices } from '../../adapters/local/local-notices.ts';
import { type LocalJson, LocalOrderWorkflow, loadOrderDefinition } from '../../adapters/local/local-order-workflow.ts';
import { SandboxPaymentGateway } from '../../adapters/local/sandbox-payment-gateway.ts';
import { auditOrders } from '../../src/app/orders/audit-orders.ts';
import type { OrderDeps } from '../../src/app/orders/deps.ts';
import { placeOrder } from '../../src/app/orders/place-order.ts';
import { type OrderId, userId } from '../../src/domain/ids.ts';
import type { Violation } from '../../src/domain/orders/invariants.ts';
import { type CourierStage, isFinished } from '../../src/domain/orders/order.ts';
import { orderIdFor } from '../../src/domain/orders/order-id.ts';
import { TEST_PAYMENT_METHODS } from '../../src/domain/orders/payment-methods.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { taskStates } from '../../src/workflows/definition.ts';
import { RecordingNotifier, testZones } from '../support/order-stack.ts';
import { checkNoticeInvariants } from './notice-check.ts';

export const FAULT_KINDS = ['throw', 'timeout', 'hang', 'crash_before', 'crash_after'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export interface FaultCase {
  readonly state: string;
  readonly kind: FaultKind;
}

/** Every Task state of the ASL × every fault kind. */
export function allFaultCases(): FaultCase[] {
  const states = taskStates(loadOrderDefinition() as never).map((t) => t.state);
  return states.flatMap((state) => FAULT_KINDS.map((kind) => ({ state, kind })));
}

/** One kind per state, rotating, so a short run still covers every state and every kind (CI). */
export function boundedFaultCases(): FaultCase[] {
  const states = taskStates(loadOrderDefinition() as never).map((t) => t.state);
  return states.map((state, i) => ({ state, kind: FAULT_KINDS[i % FAULT_KINDS.length] as FaultKind }));
}

export interface SuiteReport {
  readonly faults: number;
  readonly orders: number;
  readonly violations: readonly (Violation & { readonly fault: string })[];
}

/** States that wait for a courier's token: the runner bounds them by the courier timeout. */
const CALLBACK_STATES: ReadonlySet<string> = new Set(
  taskStates(loadOrderDefinition() as never)
    .filter((t) => t.waitsForToken)
    .map((t) => t.state),
);
const TASK_TIMEOUT_MS = 400;
const COURIER_TIMEOUT_MS = 2_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs each fault case on its own product with five orders in flight (delivered, courier gives up, declined card,
 * out of stock, zone closed since ordering), one fault injected at the first entry of its state, then recovers (a
 * fresh runner and the reconciler after a crash) and checks the invariants over every order.
 */
export async function runFaultSuite(
  cases: readonly FaultCase[],
  options: { readonly concurrency?: number; readonly onCase?: (c: FaultCase, v: number) => void } = {},
): Promise<SuiteReport> {
  const dynamo = await startEmbeddedDynamo({ thread: true });
  const { client, doc } = makeDynamo({
    region: 'local',
    endpoint: dynamo.endpoint,
    unsignedLoopback: true,
    ...(dynamo.requestHandler ? { requestHandler: dynamo.requestHandler } : {}),
  });
  // Each case has its own tables: a restarted runner's reconciler must only see its own orders, as in one process.
  const tablesFor = async (index: number): Promise<Shared> => {
    const tables = { orders: `orders-${index}`, catalog: `catalog-${index}`, payments: `payments-${index}` };
    await ensureOrderTables(client, tables);
    return {
      store: new DynamoOrderStore(doc, tables.orders),
      inventory: new LocalInventory(doc, tables.catalog),
      payments: new SandboxPaymentGateway(doc, tables.payments),
      notices: (notifier) =>
        localNotices({ doc, ordersTable: tables.orders, notifier, log: silentLogger, now: () => new Date() }),
    };
  };
  const violations: (Violation & { fault: string })[] = [];
  let orders = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const c = cases[index];
      if (!c) return;
      const found = await runCase(await tablesFor(index), c, index);
      orders += found.orders;
      violations.push(...found.violations.map((v) => ({ ...v, fault: `${c.state}/${c.kind}` })));
      options.onCase?.(c, found.violations.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  } finally {
    client.destroy();
    await dynamo.close();
  }
  return { faults: cases.length, orders, violations };
}

type Shared = {
  readonly store: DynamoOrderStore;
  readonly inventory: LocalInventory;
  readonly payments: SandboxPaymentGateway;
  readonly notices: (notifier: RecordingNotifier) => LocalNotices;
};

async function runCase(shared: Shared, fault: FaultCase, index: number) {
  const productId = `fault-${index}`;
  const initialStock = 2;
  await shared.inventory.put({ id: productId, name: `Fault dish ${index}`, priceCents: 500, stock: initialStock });
  const notifier = new RecordingNotifier();
  const notices = shared.notices(notifier);
  const givesUp = new Set<OrderId>();
  let fired = false;
  let current: LocalOrderWorkflow;
  const retired: LocalOrderWorkflow[] = [];
  // The zone "south" closed after these orders were taken: the workflow's quote no longer knows it.
  const workflowZones = testZones.filter((z) => z.id !== 'south');

  const courier = async (order: OrderId, stage: CourierStage) => {
    await sleep(5);
    const now = await shared.store.get(order);
    if (!now?.awaiting || now.awaiting.stage !== stage) return;
    if (givesUp.has(order)) await current.failTask(now.awaiting.token, 'CourierGaveUp', 'The courier gave up.');
    else await current.completeTask(now.awaiting.token, { stage });
  };

  const makeWorkflow = (): LocalOrderWorkflow =>
    new LocalOrderWorkflow({
      deps: {
        orders: shared.store,
        inventory: shared.inventory,
        payments: shared.payments,
        notices: notices.notices,
        couriers: { requested: (order, stage) => void courier(order, stage).catch(() => {}) },
        zones: workflowZones,
        now: () => new Date(),
      },
      log: silentLogger,
      retryDelayMs: 5,
      taskTimeoutMs: TASK_TIMEOUT_MS,
      courierTimeoutMs: COURIER_TIMEOUT_MS,
      around: (state, input, run) => inject(state, input, run),
    });

  const crash = () => {
    current.crash();
    retired.push(current);
    // The restart: a fresh runner on the same tables, then the reconciler (after the reservation repair).
    setTimeout(() => {
      current = makeWorkflow();
      void shared.inventory
        .repair()
        .then(() => notices.sweep(0))
        .then(() => current.resumeUnfinished());
    }, 20);
  };

  /** Every task entry and outcome, printed for a case that breaks an invariant (FAULT_DEBUG=1). */
  const trace: string[] = [];
  const inject = (state: string, input: LocalJson, run: () => Promise<LocalJson>): Promise<LocalJson> => {
    const raw = input as { orderId?: string; Payload?: { orderId?: string } };
    const who = raw.orderId ?? raw.Payload?.orderId ?? '?';
    const stamp = () => new Date().toISOString().slice(17);
    trace.push(`${stamp()} ${who} ${state}`);
    const out = fire(state, run);
    out.then(
      () => trace.push(`${stamp()} ${who} ${state} ok`),
      (e: Error) => trace.push(`${stamp()} ${who} ${state} ${e.name}`),
    );
    return out;
  };
  const fire = async (state: string, run: () => Promise<LocalJson>): Promise<LocalJson> => {
    // MarkNeedsAttention is reached only when the delivered step fails: make it fail once first.
    const trigger = fault.state === 'MarkNeedsAttention' && state === 'MarkDelivered' && !triggered;
    if (trigger) {
      triggered = true;
      throw Object.assign(new Error('injected trigger'), { name: 'InjectedFault' });
    }
    if (state !== fault.state || fired) return run();
    fired = true;
    const timeoutMs = CALLBACK_STATES.has(state) ? COURIER_TIMEOUT_MS : TASK_TIMEOUT_MS;
    switch (fault.kind) {
      case 'throw':
        throw Object.assign(new Error(`injected failure in ${state}`), { name: 'InjectedFault' });
      case 'timeout':
        throw Object.assign(new Error(`injected timeout in ${state}`), { name: 'States.Timeout' });
      case 'hang':
        await sleep(timeoutMs + 150);
        return run();
      case 'crash_before':
        crash();
        throw Object.assign(new Error('the process died'), { name: 'Shutdown' });
      case 'crash_after': {
        const out = await run();
        crash();
        return out;
      }
    }
  };
  let triggered = false;

  current = makeWorkflow();
  const deps = (): OrderDeps => ({
    store: shared.store,
    inventory: shared.inventory,
    workflow: current,
    zones: testZones,
    paymentMethods: TEST_PAYMENT_METHODS,
    maxQuantity: 20,
    preparationMinutes: 15,
    now: () => new Date(),
  });
  const plans = [
    { method: 'tok_ok', address: '10001 Old Town' },
    { method: 'tok_ok', address: '10001 Old Town', givesUp: true },
    { method: 'tok_insufficient_funds', address: '10001 Old Town' },
    { method: 'tok_ok', address: '10001 Old Town' },
    { method: 'tok_ok', address: '10401 Riverside' },
  ];
  const ids: OrderId[] = [];
  await Promise.all(
    plans.map(async (plan, i) => {
      const id = orderIdFor('slack', `fault-${index}-${i}`);
      ids.push(id);
      if (plan.givesUp) givesUp.add(id);
      const placed = await placeOrder(deps(), {
        orderId: id,
        user: userId('slack', `T1/u${index}-${i}`),
        request: { productId, quantity: 1, address: plan.address, paymentMethod: plan.method },
      });
      if (!placed.ok) throw new Error(`fault case ${fault.state}/${fault.kind}: ${placed.error.message}`);
    }),
  );

  // Recovery: wait until nothing runs; the reconciler restarts what a crash (or anything) left unfinished.
  for (let round = 0; round < 40; round += 1) {
    await sleep(50);
    await Promise.all([...retired, current].map((w) => w.idle()));
    const open = (await Promise.all(ids.map((id) => shared.store.get(id)))).filter(
      (o) => o && o.status !== 'needs_attention' && !isFinished(o.status),
    );
    if (open.length === 0) break;
    if (current.runningCount === 0) await current.resumeUnfinished();
  }
  await Promise.all([...retired, current].map((w) => w.stop()));
  // The periodic outbox sweep, once more after everything stopped (a crash may have cut an announce).
  await notices.sweep(0);
  await notices.settled(10_000);

  const audit = await auditOrders(
    {
      store: scoped(shared.store, ids),
      inventory: scopedInventory(shared.inventory, productId),
      payments: shared.payments,
    },
    { initialStock: new Map([[productId, initialStock]]), quiescent: true },
  );
  const finalOrders = await scoped(shared.store, ids).listAll();
  const dms = checkNoticeInvariants(
    finalOrders,
    notifier.sent.map((m) => m.reply),
  );
  const violations = [...audit.violations, ...dms];
  if (process.env.FAULT_DEBUG && violations.length > 0) {
    for (const id of ids) {
      const o = await shared.store.get(id);
      console.log(trace.filter((t) => t.includes(id)).join('\n'));
      console.log(
        fault,
        id,
        o?.history.map((h) => `${h.at.slice(17)} ${h.status}: ${h.note ?? ''}`),
        await shared.payments.lookup(id),
      );
    }
  }
  return { orders: ids.length, violations };
}

/** The audit over this case's orders only (cases share the tables). */
function scoped(store: DynamoOrderStore, ids: readonly OrderId[]) {
  return {
    listAll: async () => (await Promise.all(ids.map((id) => store.get(id)))).filter((o) => o !== undefined),
  };
}

function scopedInventory(inventory: LocalInventory, productId: string) {
  return {
    reservations: async () => (await inventory.reservations()).filter((r) => r.productId === productId),
    list: async () => (await inventory.list()).filter((p) => p.id === productId),
  };
}
