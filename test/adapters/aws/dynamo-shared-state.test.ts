import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dynamo, makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureCoordinationTable } from '../../../adapters/aws/dynamo-coordination-table.ts';
import { DynamoDeliveryClaims } from '../../../adapters/aws/dynamo-delivery-claims.ts';
import { DynamoLeases } from '../../../adapters/aws/dynamo-leases.ts';
import { DynamoSharedBuckets } from '../../../adapters/aws/dynamo-shared-buckets.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import { MemoryDeliveryClaims, MemoryLeases } from '../../../adapters/local/memory-shared-state.ts';
import type { DeliveryClaims, Leases } from '../../../src/ports/shared-state.ts';

const TABLE = 'coordination-test';
let dynamo: EmbeddedDynamo;
/** Two clients on one store: two replicas. */
let replicas: [Dynamo, Dynamo];
/** One clock for every replica (milliseconds); tests move it by hand. */
const clock = { now: 1_800_000_000_000 };
const now = () => clock.now;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  replicas = [
    makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint }),
    makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint }),
  ];
  await ensureCoordinationTable(replicas[0].client, TABLE);
  // A second ensure (the other replica starting) finds the table and carries on.
  await ensureCoordinationTable(replicas[1].client, TABLE);
});
afterAll(async () => {
  for (const r of replicas) r.client.destroy();
  await dynamo.close();
});

let keys = 0;
const freshKey = (what: string) => `${what}-${++keys}`;

type Pair<T> = () => [T, T];
const bothReplicas = <T>(make: (r: Dynamo) => T): [T, T] => [make(replicas[0]), make(replicas[1])];
const claimImplementations: [string, Pair<DeliveryClaims>][] = [
  ['dynamo (two replicas)', () => bothReplicas((r) => new DynamoDeliveryClaims(r.doc, { tableName: TABLE, now }))],
  [
    'memory (one process)',
    () => {
      const one = new MemoryDeliveryClaims(now);
      return [one, one];
    },
  ],
];
const leaseImplementations: [string, Pair<Leases>][] = [
  ['dynamo (two replicas)', () => bothReplicas((r) => new DynamoLeases(r.doc, { tableName: TABLE, now }))],
  [
    'memory (one process)',
    () => {
      const one = new MemoryLeases(now);
      return [one, one];
    },
  ],
];

describe.each(claimImplementations)('DeliveryClaims: %s', (_name, make) => {
  it('lets exactly one of many concurrent claims of a key through, from either replica', async () => {
    const [a, b] = make();
    const key = freshKey('event');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim(key, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.claim(freshKey('event'), 60_000)).toBe(true);
  });

  it('frees a claim once it expires (a key reused long after)', async () => {
    const [a, b] = make();
    const key = freshKey('event');
    expect(await a.claim(key, 1000)).toBe(true);
    clock.now += 1000;
    expect(await b.claim(key, 1000)).toBe(false);
    clock.now += 1;
    expect(await b.claim(key, 1000)).toBe(true);
  });
});

describe.each(leaseImplementations)('Leases: %s', (_name, make) => {
  it('refuses a second owner while the lease is live, and renews for its owner', async () => {
    const [a, b] = make();
    const key = freshKey('guild');
    expect(await a.acquire(key, 'replica-a', 30_000)).toBe(true);
    expect(await b.acquire(key, 'replica-b', 30_000)).toBe(false);
    expect(await b.holder(key)).toBe('replica-a');
    clock.now += 20_000;
    expect(await a.renew(key, 'replica-a', 30_000)).toBe(true);
    clock.now += 20_000;
    // Renewed 20 s ago for 30 s: still A's.
    expect(await b.acquire(key, 'replica-b', 30_000)).toBe(false);
    expect(await b.renew(key, 'replica-b', 30_000)).toBe(false);
    // Re-acquiring one's own lease is allowed (a retried /join on the owner).
    expect(await a.acquire(key, 'replica-a', 30_000)).toBe(true);
  });

  it("lets another owner take a crashed owner's lease once it expires; the old owner cannot renew or release it", async () => {
    const [a, b] = make();
    const key = freshKey('guild');
    expect(await a.acquire(key, 'replica-a', 30_000)).toBe(true);
    // A crashes: nothing renews. 30 s later the lease has lapsed.
    clock.now += 30_001;
    expect(await b.holder(key)).toBeUndefined();
    expect(await b.acquire(key, 'replica-b', 30_000)).toBe(true);
    // A comes back from a long pause: its lease is gone and it must stop.
    expect(await a.renew(key, 'replica-a', 30_000)).toBe(false);
    await a.release(key, 'replica-a');
    expect(await a.holder(key)).toBe('replica-b');
    await b.release(key, 'replica-b');
    expect(await a.holder(key)).toBeUndefined();
    expect(await a.acquire(key, 'replica-a', 30_000)).toBe(true);
  });

  it('gives a free key to exactly one of several owners racing for it', async () => {
    const [a, b] = make();
    const key = freshKey('guild');
    const owners = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const won = await Promise.all(owners.map((owner, i) => (i % 2 ? a : b).acquire(key, owner, 30_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await a.holder(key)).toBe(owners[won.indexOf(true)]);
  });
});

describe('DynamoSharedBuckets (two replicas, one workspace bucket)', () => {
  const rate = { perMinute: 60, burst: 5 };
  const buckets = () => bothReplicas((r) => new DynamoSharedBuckets(r.doc, { tableName: TABLE, now }));

  it('never admits more than the burst across replicas, however the takes interleave', async () => {
    const [a, b] = buckets();
    const key = freshKey('slack');
    const admitted = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take(key, rate)));
    const granted = admitted.filter(Boolean).length;
    expect(granted).toBeGreaterThanOrEqual(1);
    expect(granted).toBeLessThanOrEqual(rate.burst);
    // Takes one after the other lose no race: the rest of the burst, then nothing.
    let more = 0;
    while (more < 10 && (await a.take(key, rate))) more++;
    expect(granted + more).toBe(rate.burst);
    expect(await b.take(key, rate)).toBe(false);
  });

  it('refills at the rate (one token a second at 60 a minute)', async () => {
    const [a, b] = buckets();
    const key = freshKey('slack');
    for (let i = 0; i < rate.burst; i++) expect(await a.take(key, rate)).toBe(true);
    expect(await b.take(key, rate)).toBe(false);
    clock.now += 1000;
    expect(await b.take(key, rate)).toBe(true);
    expect(await a.take(key, rate)).toBe(false);
  });

  it('counts finals (spend) and honours a 429 hold-off for every replica', async () => {
    const [a, b] = buckets();
    const key = freshKey('slack');
    for (let i = 0; i < rate.burst + 2; i++) await a.spend(key, rate);
    // Two tokens in debt: two seconds before the next progress edit.
    clock.now += 2000;
    expect(await b.take(key, rate)).toBe(false);
    clock.now += 1000;
    expect(await b.take(key, rate)).toBe(true);
    await b.holdOff(key, rate, 10_000);
    clock.now += 9000;
    expect(await a.take(key, rate)).toBe(false);
    clock.now += 1000;
    expect(await a.take(key, rate)).toBe(true);
  });
});
