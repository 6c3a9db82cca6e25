import { describe, expect, it } from 'vitest';
import { clientShardOptions, parseShardIds, shardOf, shardPlan } from '../../../adapters/discord/sharding.ts';
import { loadConfig } from '../../../src/config.ts';

describe('shardOf', () => {
  it("is Discord's formula: (guild_id >> 22) % shard_count", () => {
    expect(shardOf('197038439483310086', 1)).toBe(0);
    expect(shardOf(String(5n << 22n), 4)).toBe(1);
    expect(shardOf(String((7n << 22n) + 4_194_303n), 4)).toBe(3); // the low 22 bits never change the shard
    expect(shardOf('81384788765712384', 16)).toBe(Number((81384788765712384n >> 22n) % 16n));
  });

  it('refuses what is not a snowflake', () => {
    expect(() => shardOf('12a', 2)).toThrow(/snowflake/);
  });
});

describe('parseShardIds', () => {
  it('reads ids and inclusive ranges, sorted and without duplicates', () => {
    expect(parseShardIds('8, 0-3,2')).toEqual({ ok: true, value: [0, 1, 2, 3, 8] });
    expect(parseShardIds('5')).toEqual({ ok: true, value: [5] });
  });

  it.each(['3-1', 'a', '1,,x', '-1', ' , '])('rejects %j with a hint', (text) => {
    const parsed = parseShardIds(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('discord.shard_ids_invalid');
  });
});

describe('shardPlan', () => {
  it('needs a fixed total for explicit ids, and ids below it', () => {
    expect(shardPlan('auto', undefined)).toEqual({ ok: true, value: { count: 'auto' } });
    expect(shardPlan(16, '8-15')).toEqual({ ok: true, value: { count: 16, ids: [8, 9, 10, 11, 12, 13, 14, 15] } });
    const auto = shardPlan('auto', '0-1');
    expect(auto.ok ? undefined : auto.error.code).toBe('discord.shard_ids_need_count');
    const outside = shardPlan(4, '2-5');
    expect(outside.ok ? undefined : outside.error).toMatchObject({
      code: 'discord.shard_ids_out_of_range',
      message: expect.stringContaining('4, 5'),
    });
  });

  it('becomes discord.js client options', () => {
    expect(clientShardOptions({ count: 'auto' })).toEqual({ shards: 'auto' });
    expect(clientShardOptions({ count: 3 })).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(clientShardOptions({ count: 4, ids: [2, 3] })).toEqual({ shards: [2, 3], shardCount: 4 });
  });
});

describe('configuration', () => {
  it('reads DISCORD_SHARDS as auto (the default) or a positive count', () => {
    expect(loadConfig({}).env.DISCORD_SHARDS).toBe('auto');
    expect(loadConfig({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '0-1' }).env).toMatchObject({
      DISCORD_SHARDS: 4,
      DISCORD_SHARD_IDS: '0-1',
    });
    expect(() => loadConfig({ DISCORD_SHARDS: '0' })).toThrow(/DISCORD_SHARDS/);
    expect(() => loadConfig({ DISCORD_SHARDS: 'many' })).toThrow(/DISCORD_SHARDS/);
  });
});
