import { describe, expect, it } from 'vitest';
import { startSurfaces } from '../../src/compose/surfaces.ts';
import { loadConfig } from '../../src/config.ts';
import { fakeCore } from '../adapters/web/fake-commands.ts';

/** The shard settings reach the Discord surface: a wrong combination stops the start with a fix, before any login. */
describe('startSurfaces with Discord shard settings', () => {
  it.each([
    [{ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '2-5' }, /DISCORD_SHARDS=4 means ids 0 to 3/],
    [{ DISCORD_SHARD_IDS: '0-1' }, /DISCORD_SHARDS is auto.*Set DISCORD_SHARDS to the total/],
    [{ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: 'two' }, /not a shard id or a range/],
  ])('%j is refused with a hint', async (shards, message) => {
    const fake = fakeCore();
    const config = loadConfig({ DISCORD_TOKEN: 'fake-discord-token', PLAYGROUND: 'off', ...shards });
    try {
      await expect(startSurfaces(config, fake.core, fake.notifier)).rejects.toThrow(message);
    } finally {
      fake.release();
    }
  });
});
