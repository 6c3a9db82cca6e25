import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordSurface } from '../../../adapters/discord/discord-surface.ts';
import { registerCommands } from '../../../adapters/discord/register-commands.ts';
import { ownsGuild, type ShardPlan, shardOf } from '../../../adapters/discord/sharding.ts';
import { DiscordVoiceHost } from '../../../adapters/discord/voice/discord-voice-host.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { NO_STAFF } from '../../../src/domain/staff.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { FakeDiscordGateway, type FakeGatewayOptions, IDENTIFY_SLACK_MS } from '../../support/fake-discord-gateway.ts';
import {
  APP_ID,
  chatInputInteraction,
  dmChannelOf,
  guildsFor,
  voiceChannelOf,
} from '../../support/fake-discord-gateway-payloads.ts';
import { FakeDiscordVoice } from '../../support/fake-discord-voice/fake-discord-voice.ts';
import { aCore } from './fakes.ts';

/**
 * The real discord.js client with two shards against the loopback Discord (REST + gateway v10 + voice servers):
 * each shard identifies with [id, 2] and gets only its own guilds; commands from guilds on both shards are
 * answered; a DM (an order notification) goes out over REST whichever shard the process holds; a voice join for a
 * guild of shard 1 is sent on shard 1's socket and reaches the voice server. Everything binds 127.0.0.1 on random
 * ports; every wait is bounded.
 */
const echo = defineCommand({
  name: 'echo',
  description: 'Echo',
  visibility: 'public',
  options: { words: { type: 'string', description: 'w' } },
  run: async (_ctx, values) => text(`echo ${values.words}`),
});

const guilds = guildsFor(2, 2);
const onShard = (shard: number) => guilds.filter((g) => shardOf(g.id, 2) === shard);
const words = (value: string) => [{ name: 'words', type: 3, value }];
const open: { close(): Promise<void> }[] = [];

beforeAll(() => {
  // The voice gateway is always wss: trust the loopback certificate in this worker only.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), FakeDiscordVoice.certificate()]);
});
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function aGateway(options: Partial<FakeGatewayOptions> = {}): Promise<FakeDiscordGateway> {
  const gateway = await FakeDiscordGateway.start({ shards: 2, maxConcurrency: 2, guilds, ...options });
  open.push(gateway);
  return gateway;
}

async function aBot(gateway: FakeDiscordGateway, shards: ShardPlan): Promise<DiscordSurface> {
  const surface = new DiscordSurface({
    core: aCore([echo]),
    token: 'fake-discord-token',
    staff: NO_STAFF,
    api: gateway.api,
    shards,
  });
  open.push({ close: () => surface.stop() });
  await surface.start();
  return surface;
}

const answered = (gateway: FakeDiscordGateway, interactionId: string) =>
  gateway.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/tok${interactionId}/messages/@original`));

describe('Discord sharding through the fake gateway', () => {
  it('runs two shards in one process: commands on both, a DM, and a voice join on shard 1', async () => {
    const voice = await FakeDiscordVoice.start();
    open.push(voice);
    const gateway = await aGateway({ heartbeatMs: 300, voice });
    const bot = await aBot(gateway, { count: 'auto' });

    // `auto` took Discord's recommendation; each shard identified with [id, 2] and holds only its own guilds.
    expect(gateway.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(bot.client.options.shardCount).toBe(2);
    for (const guild of guilds) {
      expect(bot.client.guilds.cache.get(guild.id)?.shardId).toBe(shardOf(guild.id, 2));
    }
    expect(bot.shardStates().map((s) => [s.id, s.status, s.guilds])).toEqual([
      [0, 'Ready', 2],
      [1, 'Ready', 2],
    ]);

    // A command from a guild on each shard is answered.
    const [g0, g1] = [onShard(0)[0], onShard(1)[0]];
    if (!g0 || !g1) throw new Error('guild fixture should cover both shards');
    expect(
      gateway.dispatchToGuild(
        g0.id,
        'INTERACTION_CREATE',
        chatInputInteraction('401', g0.id, '200', 'echo', words('zero')),
      ),
    ).toBe(0);
    expect(
      gateway.dispatchToGuild(
        g1.id,
        'INTERACTION_CREATE',
        chatInputInteraction('402', g1.id, '201', 'echo', words('one')),
      ),
    ).toBe(1);
    await gateway.until(() => !!answered(gateway, '401') && !!answered(gateway, '402'), 10_000, 'both answers');
    expect(answered(gateway, '401')?.body).toMatchObject({ content: 'echo zero' });
    expect(answered(gateway, '402')?.body).toMatchObject({ content: 'echo one' });

    // An order notification: a DM over REST, needing no guild in the cache.
    await expect(bot.directMessenger.send('300', text('Your order is on its way.'))).resolves.toBe('sent');
    expect(gateway.requests).toContainEqual({
      method: 'POST',
      path: '/users/@me/channels',
      body: { recipient_id: '300' },
    });
    expect(gateway.requests).toContainEqual(
      expect.objectContaining({ method: 'POST', path: `/channels/${dmChannelOf('300')}/messages` }),
    );

    // A voice join for shard 1's guild goes out on shard 1's socket and reaches the voice server.
    const host = new DiscordVoiceHost(bot.client, silentLogger);
    const link = await host.connect({ guildId: g1.id, id: voiceChannelOf(g1.id), name: 'voice' });
    try {
      expect(gateway.voiceRequests).toEqual([{ shardId: 1, guildId: g1.id, channelId: voiceChannelOf(g1.id) }]);
      expect(voice.connected(g1.id)).toBe(true);
    } finally {
      link.destroy();
    }

    // Heartbeats are sent and acknowledged on both sockets; no command was registered by the running bot.
    await gateway.until(() => (gateway.heartbeats.get(0) ?? 0) > 0 && (gateway.heartbeats.get(1) ?? 0) > 0);
    await vi.waitFor(() => expect(bot.shardStates().every((s) => s.pingMs >= 0)).toBe(true), { timeout: 10_000 });
    expect(gateway.requests.filter((r) => r.path.includes('/commands'))).toEqual([]);
  }, 30_000);

  it('splits the shards across two processes (DISCORD_SHARD_IDS): each owns its guilds, either sends DMs', async () => {
    const gateway = await aGateway();
    const first = await aBot(gateway, { count: 2, ids: [0] });
    const second = await aBot(gateway, { count: 2, ids: [1] });

    expect([...first.client.guilds.cache.keys()].sort()).toEqual(
      onShard(0)
        .map((g) => g.id)
        .sort(),
    );
    expect([...second.client.guilds.cache.keys()].sort()).toEqual(
      onShard(1)
        .map((g) => g.id)
        .sort(),
    );
    for (const guild of guilds) {
      expect(ownsGuild(first.client, guild.id)).toBe(shardOf(guild.id, 2) === 0);
      expect(ownsGuild(second.client, guild.id)).toBe(shardOf(guild.id, 2) === 1);
    }

    // A command for shard 1's guild reaches only the second process, which answers it.
    const g1 = onShard(1)[0];
    if (!g1) throw new Error('guild fixture should cover shard 1');
    gateway.dispatchToGuild(
      g1.id,
      'INTERACTION_CREATE',
      chatInputInteraction('403', g1.id, '202', 'echo', words('one')),
    );
    await gateway.until(() => !!answered(gateway, '403'), 10_000, 'the answer from shard 1');
    expect(answered(gateway, '403')?.body).toMatchObject({ content: 'echo one' });

    // Voice for shard 1's guild is joined only by the process that runs shard 1.
    const wrong = new DiscordVoiceHost(first.client, silentLogger);
    await expect(wrong.connect({ guildId: g1.id, id: voiceChannelOf(g1.id), name: 'voice' })).rejects.toThrow(
      /on shard 1, which this process does not run/,
    );
    expect(gateway.voiceRequests).toEqual([]);

    // Notifications reach a user from either process.
    await expect(first.directMessenger.send('301', text('from shard 0'))).resolves.toBe('sent');
    await expect(second.directMessenger.send('301', text('from shard 1'))).resolves.toBe('sent');
    const dms = gateway.requests.filter((r) => r.path === `/channels/${dmChannelOf('301')}/messages`);
    expect(dms.map((r) => r.body.content)).toEqual(['from shard 0', 'from shard 1']);
  }, 30_000);

  it('survives a dropped shard: it identifies again in its turn, gets its guilds back and answers', async () => {
    const gateway = await aGateway();
    const bot = await aBot(gateway, { count: 2 });
    const g1 = onShard(1)[0];
    if (!g1) throw new Error('guild fixture should cover shard 1');

    gateway.dropShard(1);
    // Invariants after recovery: both shards identified again at most once each, no identify broke the bucket
    // rate, shard 1 holds its guilds again, and its commands are answered.
    await gateway.until(() => gateway.identifies.length === 3, 20_000, 'shard 1 to identify again');
    await vi.waitFor(() => expect(bot.shardStates().map((s) => s.status)).toEqual(['Ready', 'Ready']), {
      timeout: 10_000,
    });
    expect(gateway.identifies.map((i) => i.shard[0]).sort()).toEqual([0, 1, 1]);
    expect(gateway.rateLimitedIdentifies).toBe(0);
    expect(bot.client.guilds.cache.get(g1.id)?.shardId).toBe(1);
    gateway.dispatchToGuild(
      g1.id,
      'INTERACTION_CREATE',
      chatInputInteraction('404', g1.id, '203', 'echo', words('back')),
    );
    await gateway.until(() => !!answered(gateway, '404'), 10_000, 'the answer after the reconnect');
    expect(answered(gateway, '404')?.body).toMatchObject({ content: 'echo back' });
  }, 40_000);

  it('deploys commands once, as a release step: two running shards register nothing', async () => {
    const gateway = await aGateway();
    const deployed = await registerCommands([echo], { token: 'fake-discord-token', appId: APP_ID, api: gateway.api });
    expect(deployed.names).toEqual(['echo']);
    await aBot(gateway, { count: 2 });
    expect(gateway.connectedShards()).toEqual([0, 1]);
    expect(gateway.requests.filter((r) => r.path.endsWith('/commands')).map((r) => r.method)).toEqual(['PUT']);
  }, 30_000);

  it('keeps to the identify rate: with max_concurrency 1 the second shard waits its 5 s turn', async () => {
    const gateway = await aGateway({ maxConcurrency: 1 });
    await aBot(gateway, { count: 2 });
    expect(gateway.rateLimitedIdentifies).toBe(0);
    const [a, b] = gateway.identifies;
    expect(gateway.identifies).toHaveLength(2);
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(5_000 - IDENTIFY_SLACK_MS);
  }, 30_000);

  it('two processes starting together in one identify bucket: Discord refuses one, it identifies again later', async () => {
    // Each process throttles only its own identifies; across processes Discord answers op 9 (invalid session).
    const gateway = await aGateway({ maxConcurrency: 1 });
    const [first, second] = await Promise.all([
      aBot(gateway, { count: 2, ids: [0] }),
      aBot(gateway, { count: 2, ids: [1] }),
    ]);
    expect(gateway.rateLimitedIdentifies).toBeGreaterThanOrEqual(1);
    expect(gateway.identifies.map((i) => i.shard[0]).sort()).toEqual([0, 1]);
    expect(first.client.guilds.cache.size + second.client.guilds.cache.size).toBe(guilds.length);
  }, 40_000);
});
