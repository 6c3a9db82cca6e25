/**
 * Orders per second from /order (placeOrder) to "confirmed" on the embedded stack: dynalite on disk (LevelDB in a
 * temp dir) in its own thread, the DynamoDB adapters (the SDK, reaching that thread by message), the in-process ASL
 * runner. Each latency runs from the
 * placeOrder call to the "confirmed" notification. Prints throughput, p50/p95/max and process CPU per order, one
 * order at a time and with CONCURRENCY in flight.
 * A third phase offers orders at a fixed RATE (open loop, the goal's shape: 100 orders/s with p95 under 100 ms);
 * its latencies run from each order's scheduled arrival, so a stack that falls behind is charged for the queueing.
 * Orders go round-robin over the first PRODUCTS products of config/catalog.json (stock raised to a million each).
 * In every phase the demo courier reports each step 20 ms after it is asked, so orders run on to "delivered"
 * (their later steps compete for the CPU with the next orders' confirmations, as in the bot).
 * The outbox sweep (every 10 s) and the reconciler (every 60 s) run as in the bot (`resume()`).
 * The runner refuses orders beyond MAX_BACKLOG (400, ORDERS_MAX_BACKLOG in the bot) as busy: counted, not failed.
 * A fourth phase, the hot product: HOT_RATE orders/s (100) for HOT_SECONDS (60) all on ONE product, open loop, each
 * order delivered by the demo courier (so executions end and memory can stay flat); per 10-second window it prints
 * throughput, p95, RSS and how busy the main loop and dynalite's thread were. HOT_SECONDS=0 skips it. Each order waits for its first answer at most ORDER_TIMEOUT_MS
 * (30 s): one that never comes is counted, not waited for; and one status DM hangs for ever on purpose (a surface
 * that never answers, HOT_STALL=0 turns it off): the outbox announce gives up on it and the run carries on.
 *   npm run bench:orders          (defaults: 300 orders, 12 in flight, 100 one at a time, 400 at 100/s, hot 60 s)
 *   ORDERS=1000 CONCURRENCY=16 SEQUENTIAL=200 RATE=120 RATE_ORDERS=600 PRODUCTS=1 npm run bench:orders
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalOrders } from '../adapters/local/local-orders.ts';
import { placeOrder } from '../src/app/orders/place-order.ts';
import { userId } from '../src/domain/ids.ts';
import { parseCatalogFile } from '../src/domain/orders/config-files.ts';
import { orderIdFor } from '../src/domain/orders/order-id.ts';
import type { DeliveryZone } from '../src/domain/orders/zones.ts';
import { silentLogger } from '../src/ports/logger.ts';
import type { Notifier } from '../src/ports/notifier.ts';

const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got “${process.env[name]}”`);
  return value;
};
const total = positive('ORDERS', 300);
const concurrency = positive('CONCURRENCY', 12);
const sequential = positive('SEQUENTIAL', 100);
const warmUp = positive('WARMUP', 100);
const rate = positive('RATE', 100);
const rateOrders = positive('RATE_ORDERS', 400);
const hotSeconds = Number(process.env.HOT_SECONDS ?? 60);
if (!Number.isInteger(hotSeconds) || hotSeconds < 0) throw new Error(`HOT_SECONDS must be an integer ≥ 0`);
const hotRate = positive('HOT_RATE', 100);
const catalog = parseCatalogFile(JSON.parse(readFileSync('config/catalog.json', 'utf8')), 'config/catalog.json');
const products = catalog.slice(0, positive('PRODUCTS', catalog.length)).map((p) => ({ ...p, stock: 1_000_000 }));

const zones: DeliveryZone[] = [
  { id: 'centre', name: 'Centre', postalPrefixes: ['1000'], places: [], feeCents: 250, etaMinutes: 20 },
];

/** The first DM after "received" settles an order's wait: confirmed, or a final answer (declined, refunded...). */
const firstNotice = new Map<string, (title: string) => void>();
/** One DM that never returns (a surface that hangs): the run must carry on around it (HOT_STALL=0 turns it off). */
let stallOnce = process.env.HOT_STALL !== '0';
let stallArmed = false;
const notifier: Notifier = {
  async notify(_user, reply) {
    if (reply.kind !== 'text') return 'sent';
    const id = /ord_[a-z0-9]{16}/.exec(reply.text)?.[0];
    if (id) firstNotice.get(id)?.(reply.title ?? '');
    if (stallArmed && stallOnce && reply.title?.includes('out for delivery')) {
      stallOnce = false;
      return new Promise(() => {});
    }
    return 'sent';
  },
};
/** An order not confirmed within this long counts as timed out (and the run goes on). */
const orderTimeoutMs = positive('ORDER_TIMEOUT_MS', 30_000);
const outcomes = { confirmed: 0, other: 0, timedOut: 0, busy: 0, failed: 0 };
/** The runner's backlog limit, as ORDERS_MAX_BACKLOG sets it in the bot (an order beyond it is refused as busy). */
const maxBacklog = positive('MAX_BACKLOG', 400);

const dir = mkdtempSync(join(tmpdir(), 'orders-bench-'));
const local = await startLocalOrders({
  dataDir: dir,
  tables: { orders: 'orders', catalog: 'catalog', payments: 'payments' },
  zones,
  initialCatalog: products,
  notifier,
  // Couriers report at once: the hot phase's orders run to "delivered" and their executions end.
  demoCourier: { preparing: 20, out_for_delivery: 20, delivered: 20 },
  log: silentLogger,
  maxQuantity: 20,
  preparationMinutes: 15,
  maxBacklog,
  now: () => new Date(),
});
// As the bot does once its surfaces are up: the outbox sweep (every 10 s) and the reconciler (every 60 s) run
// during the measured phases.
await local.resume();

/** The order's latency in ms; undefined when it was refused as busy (it has none: nothing was placed). */
async function one(i: number, started = performance.now(), productId?: string): Promise<number | undefined> {
  const id = orderIdFor('web', `bench-${process.pid}-${i}`);
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<string>((resolve) => {
    firstNotice.set(id, resolve);
    timer = setTimeout(() => resolve('timeout'), orderTimeoutMs);
  });
  try {
    const placed = await placeOrder(local.deps, {
      orderId: id,
      user: userId('web', `bench-${i % 50}`),
      request: {
        productId: productId ?? products[i % products.length]?.id ?? '',
        quantity: 1,
        address: '10001',
        paymentMethod: 'tok_ok',
      },
    });
    if (!placed.ok && placed.error.code === 'order.busy') {
      outcomes.busy += 1;
      return undefined;
    }
    if (!placed.ok) throw new Error(placed.error.message);
    const title = await done;
    if (title === 'timeout') outcomes.timedOut += 1;
    else if (title.includes('confirmed')) outcomes.confirmed += 1;
    else outcomes.other += 1;
  } catch (error) {
    // One failed request is counted, not fatal: the run goes on.
    outcomes.failed += 1;
    if (outcomes.failed <= 3) console.error(`order ${i} failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    firstNotice.delete(id);
  }
  return performance.now() - started;
}

interface Run {
  readonly latencies: number[];
  readonly seconds: number;
  /** Process CPU (all threads: JS, dynalite's thread, LevelDB workers) per order. */
  readonly cpuMs: number;
  /** Share of the time the main event loop (SDK, ASL runner, tasks) was busy: near 1, it is the bottleneck. */
  readonly loopBusy: number;
  /** The same for dynalite's thread (request validation, expression parsing, LevelDB). */
  readonly storeBusy: number | undefined;
}

const measure = async (count: number, work: () => Promise<number[]>): Promise<Run> => {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const store0 = local.storeUtilization?.();
  const t0 = performance.now();
  const latencies = await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loopBusy = performance.eventLoopUtilization(elu0).utilization;
  const storeBusy = store0 && local.storeUtilization?.(store0).utilization;
  return { latencies, seconds, cpuMs: (cpu.user + cpu.system) / 1000 / count, loopBusy, storeBusy };
};

function run(count: number, offset: number, inFlight: number): Promise<Run> {
  return measure(count, async () => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < count) {
          const i = next++;
          const ms = await one(offset + i);
          if (ms !== undefined) latencies.push(ms);
        }
      }),
    );
    return latencies;
  });
}

/** Starts order i at t0 + i / perSecond whatever the earlier ones are doing (open loop). */
function offered(count: number, offset: number, perSecond: number): Promise<Run> {
  return measure(count, async () => {
    const t0 = performance.now();
    const runs: Promise<number | undefined>[] = [];
    for (let i = 0; i < count; i++) {
      const due = t0 + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      runs.push(one(offset + i, due));
    }
    return (await Promise.all(runs)).filter((ms) => ms !== undefined);
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

let busyReported = 0;
const report = (label: string, count: number, load: string, r: Run) => {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const busy = outcomes.busy - busyReported;
  busyReported = outcomes.busy;
  console.log(
    `${label}: ${count} orders, ${load}: ${(r.latencies.length / r.seconds).toFixed(1)} orders/s (place -> confirmed); ` +
      `latency ms p50 ${pct(sorted, 50).toFixed(1)}, p95 ${pct(sorted, 95).toFixed(1)}, max ${(sorted.at(-1) ?? 0).toFixed(1)}; ` +
      `CPU ${r.cpuMs.toFixed(1)} ms/order, main loop busy ${(r.loopBusy * 100).toFixed(0)}%` +
      (r.storeBusy === undefined ? '' : `, dynalite thread busy ${(r.storeBusy * 100).toFixed(0)}%`) +
      (busy > 0 ? `; ${busy} refused as busy` : ''),
  );
};

/**
 * On Linux, RSS split into anonymous memory (heaps, buffers) and file-backed pages (LevelDB's files, mapped):
 * the second is page cache the kernel reclaims, and grows with the data on disk. Empty elsewhere.
 */
function rssParts(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return ` = ${(kb('RssAnon') / 1024).toFixed(0)} anonymous + ${(kb('RssFile') / 1024).toFixed(0)} file-backed`;
  } catch {
    return '';
  }
}

/** The hot product: every order on products[0], HOT_RATE/s for HOT_SECONDS; per-window p95 and RSS. */
async function hot(offset: number): Promise<void> {
  const product = products[0]?.id ?? '';
  const count = hotSeconds * hotRate;
  const windows = Math.ceil(hotSeconds / 10);
  const byWindow: number[][] = Array.from({ length: windows }, () => []);
  const samples: { rss: number; heap: number; anon: string; main: number; store: number | undefined }[] = [];
  let mainMark = performance.eventLoopUtilization();
  let storeMark = local.storeUtilization?.();
  const sample = () => {
    const main = performance.eventLoopUtilization(mainMark).utilization;
    const store = storeMark && local.storeUtilization?.(storeMark).utilization;
    const memory = process.memoryUsage();
    samples.push({ rss: memory.rss, heap: memory.heapUsed, anon: rssParts(), main, store });
    mainMark = performance.eventLoopUtilization();
    storeMark = local.storeUtilization?.();
  };
  const t0 = performance.now();
  const sampler = setInterval(sample, 10_000);
  const before = { ...outcomes };
  stallArmed = true;
  const runs: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / hotRate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const window = Math.min(windows - 1, Math.floor(i / hotRate / 10));
    runs.push(
      one(offset + i, due, product).then((ms) => {
        if (ms !== undefined) byWindow[window]?.push(ms);
      }),
    );
  }
  await Promise.all(runs);
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `hot product: ${count} orders on ONE product (${product}) arriving at ${hotRate}/s for ${hotSeconds} s: ` +
      `${((outcomes.confirmed - before.confirmed) / seconds).toFixed(1)} orders/s confirmed, sustained`,
  );
  console.log(
    `  outcomes: ${outcomes.confirmed - before.confirmed} confirmed, ${outcomes.other - before.other} other first ` +
      `answers, ${outcomes.timedOut - before.timedOut} not confirmed within ${orderTimeoutMs} ms, ` +
      `${outcomes.busy - before.busy} refused as busy (backlog ${maxBacklog}), ${outcomes.failed - before.failed} failed; one status DM hung for ever on purpose (HOT_STALL=0: none)`,
  );
  byWindow.forEach((latencies, w) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = samples[w];
    const mb = ((at?.rss ?? process.memoryUsage().rss) / 2 ** 20).toFixed(0);
    const heap = ((at?.heap ?? process.memoryUsage().heapUsed) / 2 ** 20).toFixed(0);
    const loops = at
      ? `; busy: main loop ${(at.main * 100).toFixed(0)}%` +
        (at.store === undefined ? '' : `, dynalite thread ${(at.store * 100).toFixed(0)}%`)
      : '';
    console.log(
      `  window ${w * 10}-${w * 10 + 10} s: ${sorted.length} orders, p50 ${pct(sorted, 50).toFixed(1)} ms, ` +
        `p95 ${pct(sorted, 95).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms, RSS ${mb} MB${at?.anon ?? ''} (main JS heap ${heap} MB)${loops}`,
    );
  });
}

try {
  console.log(
    `embedded stack (dynalite on disk in ${dir}, DynamoDB adapters by message to its thread, in-process ASL), ` +
      `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  console.log(
    `settings: ORDERS=${total} CONCURRENCY=${concurrency} SEQUENTIAL=${sequential} RATE=${rate} ` +
      `RATE_ORDERS=${rateOrders} WARMUP=${warmUp} (not measured) MAX_BACKLOG=${maxBacklog}; ` +
      `PRODUCTS=${products.length} (${products.map((p) => p.id).join(', ')}), quantity 1, tok_ok payments, ` +
      'demo courier 20 ms per step (orders run to delivered)',
  );
  await run(warmUp, 1_000_000, concurrency); // JIT, LevelDB files, sockets
  report('one at a time', sequential, '1 in flight', await run(sequential, 2_000_000, 1));
  report('concurrent', total, `${concurrency} in flight`, await run(total, 0, concurrency));
  report('offered', rateOrders, `arriving at ${rate}/s`, await offered(rateOrders, 3_000_000, rate));
  if (hotSeconds > 0) await hot(4_000_000);
} finally {
  await local.stop();
  rmSync(dir, { recursive: true, force: true });
}
