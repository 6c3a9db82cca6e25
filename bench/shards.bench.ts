/**
 * Gateway events per second one process handles with N shards, and the memory each shard costs, through the
 * loopback Discord gateway (test/support/fake-discord-gateway.ts, run in its own process so its sending does not
 * share the bot's event loop). For each N (1, 2, 4), a fresh process:
 *   1. measures its heap and RSS after a forced GC, before any client exists;
 *   2. starts the real DiscordSurface with N shards (max_concurrency N, so all identify at once) and waits for
 *      READY and every GUILD_CREATE (GUILDS_PER_SHARD guilds per shard, MEMBERS cached members each);
 *   3. measures again after a forced GC: the difference is what the shards and their guild caches cost;
 *   4. has the gateway flood EVENTS_PER_SHARD dispatches per shard (MESSAGE_CREATE, TYPING_START, PRESENCE_UPDATE
 *      in turn; the MESSAGE_CREATEs go through our message router, which ignores them: no mention) and counts
 *      what discord.js emits to our handlers, first to last.
 *   npm run bench:shards [-- guildsPerShard members eventsPerShard]
 * Figures are noisy on a shared machine: the load average is printed with them.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Events } from 'discord.js';
import { DiscordSurface } from '../adapters/discord/discord-surface.ts';
import type { Core } from '../src/chat/surface.ts';
import { NO_STAFF } from '../src/domain/staff.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { aDeps } from '../test/support/command-context.ts';

const GUILDS_PER_SHARD = Number(process.argv[2] ?? 1_000);
const MEMBERS = Number(process.argv[3] ?? 10);
const EVENTS_PER_SHARD = Number(process.argv[4] ?? 30_000);
const SHARD_COUNTS = [1, 2, 4];
const MB = 1024 * 1024;

interface Figures {
  readonly shards: number;
  readonly guilds: number;
  readonly readyMs: number;
  readonly heapMb: number;
  readonly rssMb: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly floodSendMs: number;
  /** RSS of this process before the client: what each extra process (one per shard) would cost again. */
  readonly baseRssMb: number;
}

function collect(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

/** One N, in this process: the gateway in a child, the bot here. */
async function measure(shards: number): Promise<Figures> {
  const gateway = fork(new URL('../test/support/fake-discord-gateway-process.ts', import.meta.url).pathname, [], {
    stdio: 'inherit',
  });
  const reply = <T>(key: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (message: Record<string, unknown>): void => {
        if (!(key in message)) return;
        gateway.off('message', on);
        resolve(message as T);
      };
      gateway.on('message', on);
    });
  try {
    const started = reply<{ api: string }>('api');
    gateway.send({ start: { shards, maxConcurrency: shards, guildsPerShard: GUILDS_PER_SHARD, members: MEMBERS } });
    const { api } = await started;

    await sleep(200);
    const before = collect();
    const core = { commands: [], messageHandlers: [], deps: aDeps({ log: silentLogger }), log: silentLogger } as Core;
    const bot = new DiscordSurface({
      core,
      token: 'fake-discord-token',
      staff: NO_STAFF,
      api,
      shards: { count: shards },
    });
    const t0 = performance.now();
    await bot.start();
    const readyMs = performance.now() - t0;
    const after = collect();

    let seen = 0;
    let first = 0;
    let last = 0;
    const total = shards * EVENTS_PER_SHARD;
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    const count = (): void => {
      if (seen === 0) first = performance.now();
      seen += 1;
      last = performance.now();
      if (seen === total) done();
    };
    bot.client.on(Events.MessageCreate, count);
    bot.client.on(Events.TypingStart, count);
    bot.client.on(Events.PresenceUpdate, count);
    const flooded = reply<{ flooded: number; ms: number }>('flooded');
    gateway.send({ flood: { perShard: EVENTS_PER_SHARD } });
    const sent = await flooded;
    const giveUp = new AbortController();
    await Promise.race([all, sleep(60_000, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
    giveUp.abort();
    await bot.stop();
    return {
      shards,
      guilds: bot.client.guilds.cache.size,
      readyMs,
      heapMb: (after.heap - before.heap) / MB,
      rssMb: (after.rss - before.rss) / MB,
      events: seen,
      eventsPerSecond: seen / Math.max((last - first) / 1000, 1e-3),
      floodSendMs: sent.ms,
      baseRssMb: before.rss / MB,
    };
  } finally {
    gateway.disconnect();
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_SHARDS_ONLY;
  if (only !== undefined) {
    // A child: one N, figures on stdout as JSON.
    console.log(JSON.stringify(await measure(Number(only))));
    return;
  }
  console.log(
    `bench:shards: ${GUILDS_PER_SHARD} guilds per shard (${MEMBERS} members each), ${EVENTS_PER_SHARD} events per shard; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on this machine (figures are noisy when it is busy)`,
  );
  const rows: Figures[] = [];
  for (const shards of SHARD_COUNTS) {
    const child = fork(
      new URL(import.meta.url).pathname,
      [String(GUILDS_PER_SHARD), String(MEMBERS), String(EVENTS_PER_SHARD)],
      {
        execArgv: ['--expose-gc'],
        env: { ...process.env, BENCH_SHARDS_ONLY: String(shards) },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const line = out.trim().split('\n').at(-1) ?? '';
    rows.push(JSON.parse(line) as Figures);
  }
  console.log(
    'shards | guilds | ready ms | heap MB (per shard) | RSS MB (per shard) | events seen | events/s | gateway send ms',
  );
  for (const r of rows) {
    console.log(
      [
        r.shards,
        r.guilds,
        r.readyMs.toFixed(0),
        `${r.heapMb.toFixed(1)} (${(r.heapMb / r.shards).toFixed(1)})`,
        `${r.rssMb.toFixed(1)} (${(r.rssMb / r.shards).toFixed(1)})`,
        `${r.events}/${r.shards * EVENTS_PER_SHARD}`,
        r.eventsPerSecond.toFixed(0),
        r.floodSendMs.toFixed(0),
      ].join(' | '),
    );
  }
  const [one, , four] = rows;
  if (one && four) {
    console.log(
      `per added shard (1 -> 4): heap ${((four.heapMb - one.heapMb) / 3).toFixed(1)} MB, ` +
        `RSS ${((four.rssMb - one.rssMb) / 3).toFixed(1)} MB, with ${GUILDS_PER_SHARD} guilds each; ` +
        `a process of its own would add its base RSS again: ${one.baseRssMb.toFixed(0)} MB here (Node, discord.js, our code)`,
    );
  }
}

await main();
