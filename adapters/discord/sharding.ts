import { type Client, type ClientOptions, Status } from 'discord.js';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';

/**
 * Discord sharding with discord.js' own multi-shard Client (@discordjs/ws WebSocketManager): one process runs one
 * or more shards, throttling its identifies by Discord's `max_concurrency` buckets (shard_id % max_concurrency, one
 * identify per bucket per 5 s). Several processes split the shards between them with DISCORD_SHARD_IDS (a "cluster"
 * each); the orchestrator (ECS, compose) is the cluster manager. README "## Scale" says why this engine.
 */

/** The whole bot's shard count (`auto`: Discord's recommendation from GET /gateway/bot) and this process's ids. */
export interface ShardPlan {
  readonly count: 'auto' | number;
  /** The shard ids this process runs; absent: all of them. Needs a numeric `count`. */
  readonly ids?: readonly number[];
}

/** Discord's own formula: the shard that receives a guild's events and must carry its voice op 4. */
export function shardOf(guildId: string, shardCount: number): number {
  if (!/^\d{1,20}$/.test(guildId)) throw new Error(`not a Discord snowflake: ${guildId}`);
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * Parses DISCORD_SHARD_IDS: comma-separated ids and inclusive ranges (`0-3,8`), sorted and de-duplicated.
 */
export function parseShardIds(text: string): Result<readonly number[]> {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    const from = range ? Number(range[1]) : /^\d+$/.test(part) ? Number(part) : Number.NaN;
    const to = range ? Number(range[2]) : from;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from || to - from > 10_000) {
      return err(
        appError(
          'discord.shard_ids_invalid',
          `DISCORD_SHARD_IDS has "${part}", which is not a shard id or a range.`,
          'Write ids and ranges like 0-3,8 (ranges are inclusive, low to high).',
        ),
      );
    }
    for (let id = from; id <= to; id++) ids.add(id);
  }
  if (ids.size === 0) {
    return err(
      appError('discord.shard_ids_invalid', 'DISCORD_SHARD_IDS names no shard.', 'Leave it empty to run all.'),
    );
  }
  return ok([...ids].sort((a, b) => a - b));
}

/** The plan from DISCORD_SHARDS and DISCORD_SHARD_IDS, checked against each other. */
export function shardPlan(count: 'auto' | number, idsText: string | undefined): Result<ShardPlan> {
  if (idsText === undefined || idsText.trim() === '') return ok({ count });
  if (count === 'auto') {
    return err(
      appError(
        'discord.shard_ids_need_count',
        'DISCORD_SHARD_IDS is set but DISCORD_SHARDS is auto: the ids only mean something with a fixed total.',
        'Set DISCORD_SHARDS to the total shard count of all processes (e.g. 16), or clear DISCORD_SHARD_IDS.',
      ),
    );
  }
  const ids = parseShardIds(idsText);
  if (!ids.ok) return ids;
  const outside = ids.value.filter((id) => id >= count);
  if (outside.length > 0) {
    return err(
      appError(
        'discord.shard_ids_out_of_range',
        `DISCORD_SHARD_IDS has ${outside.join(', ')}, but DISCORD_SHARDS=${count} means ids 0 to ${count - 1}.`,
        'Every process must use the same DISCORD_SHARDS and together cover 0 to DISCORD_SHARDS-1 once.',
      ),
    );
  }
  return ok({ count, ids: ids.value });
}

/** The plan as discord.js ClientOptions. */
export function clientShardOptions(plan: ShardPlan): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (plan.count === 'auto') return { shards: 'auto' };
  const ids = plan.ids ?? Array.from({ length: plan.count }, (_, id) => id);
  return { shards: [...ids], shardCount: plan.count };
}

export interface ShardState {
  readonly id: number;
  /** discord.js' Status name: Ready, Connecting, Reconnecting, Resuming, Identifying, Disconnected, ... */
  readonly status: string;
  /** Heartbeat round trip in ms (-1 before the first ACK). */
  readonly pingMs: number;
  readonly guilds: number;
}

/** Each shard this process runs: status, gateway latency and guild count (for health and metrics). */
export function shardStates(client: Client): ShardState[] {
  const guilds = new Map<number, number>();
  for (const guild of client.guilds.cache.values()) guilds.set(guild.shardId, (guilds.get(guild.shardId) ?? 0) + 1);
  return [...client.ws.shards.values()].map((shard) => ({
    id: shard.id,
    status: Status[shard.status] ?? String(shard.status),
    pingMs: shard.ping,
    guilds: guilds.get(shard.id) ?? 0,
  }));
}

/** Whether this process owns a guild: its shard is one this client runs (voice must be joined from there). */
export function ownsGuild(client: Client, guildId: string): boolean {
  const count = client.options.shardCount ?? 1;
  const ids = client.options.shards;
  const shard = shardOf(guildId, count);
  return Array.isArray(ids) ? ids.includes(shard) : ids === undefined || ids === shard || ids === 'auto';
}
