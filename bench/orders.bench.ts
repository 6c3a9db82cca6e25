/**
 * Orders per second from /order (placeOrder) to "confirmed" on the embedded stack: dynalite on disk, the DynamoDB
 * adapters, the in-process ASL runner. Prints throughput and p50/p95/max latency.
 *   npm run bench:orders            (defaults: 500 orders, 25 in flight)
 *   ORDERS=2000 CONCURRENCY=50 npm run bench:orders
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalOrders } from '../adapters/local/local-orders.ts';
import { placeOrder } from '../src/app/orders/place-order.ts';
import type { Reply } from '../src/chat/reply.ts';
import { userId } from '../src/domain/ids.ts';
import { orderIdFor } from '../src/domain/orders/order-id.ts';
import type { DeliveryZone } from '../src/domain/orders/zones.ts';
import { silentLogger } from '../src/ports/logger.ts';

const total = Number(process.env.ORDERS ?? 500);
const concurrency = Number(process.env.CONCURRENCY ?? 25);
const zones: DeliveryZone[] = [
  { id: 'centre', name: 'Centre', postalPrefixes: ['1000'], places: [], feeCents: 250, etaMinutes: 20 },
];

const confirmed = new Map<string, () => void>();
const notifier = {
  async notify(_user: unknown, reply: Reply) {
    if (reply.kind !== 'text' || !reply.title?.includes('confirmed')) return;
    const id = /ord_[a-z0-9]{16}/.exec(reply.text)?.[0];
    if (id) confirmed.get(id)?.();
  },
};

const dir = mkdtempSync(join(tmpdir(), 'orders-bench-'));
const local = await startLocalOrders({
  dataDir: dir,
  tables: { orders: 'orders', catalog: 'catalog', payments: 'payments' },
  zones,
  initialCatalog: [{ id: 'margherita', name: 'Pizza Margherita', priceCents: 950, stock: 1_000_000 }],
  notifier,
  log: silentLogger,
  maxQuantity: 20,
  preparationMinutes: 15,
  now: () => new Date(),
});

async function one(i: number): Promise<number> {
  const id = orderIdFor('web', `bench-${process.pid}-${i}`);
  const done = new Promise<void>((resolve) => confirmed.set(id, resolve));
  const started = performance.now();
  const placed = await placeOrder(local.deps, {
    orderId: id,
    user: userId('web', `bench-${i % 50}`),
    request: { productId: 'margherita', quantity: 1, address: '10001', paymentMethod: 'tok_ok' },
  });
  if (!placed.ok) throw new Error(placed.error.message);
  await done;
  confirmed.delete(id);
  return performance.now() - started;
}

async function run(count: number, offset: number, inFlight: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        latencies.push(await one(offset + i));
      }
    }),
  );
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const report = (label: string, count: number, inFlight: number, r: { latencies: number[]; seconds: number }) => {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  console.log(
    `${label}: ${count} orders, ${inFlight} in flight: ${(count / r.seconds).toFixed(1)} orders/s (place -> confirmed); ` +
      `latency ms p50 ${pct(sorted, 50).toFixed(1)}, p95 ${pct(sorted, 95).toFixed(1)}, max ${(sorted.at(-1) ?? 0).toFixed(1)}`,
  );
};

try {
  console.log(`embedded stack (dynalite on disk + in-process ASL), node ${process.version}`);
  await run(Math.min(100, total), 1_000_000, concurrency); // warm-up: JIT, LevelDB files
  const sequential = Math.min(100, total);
  report('one at a time', sequential, 1, await run(sequential, 2_000_000, 1));
  report('concurrent', total, concurrency, await run(total, 0, concurrency));
} finally {
  await local.stop();
  rmSync(dir, { recursive: true, force: true });
}
