/**
 * The loopback Discord gateway in a process of its own (for bench:shards: the flood it sends must not share the
 * bot's event loop). Started with child_process.fork; IPC messages:
 *   in  { start: { shards, maxConcurrency, guildsPerShard, members } }  out { api }
 *   in  { flood: { perShard } }                                           out { flooded: sentEvents, ms }
 * It exits when its parent disconnects.
 */
import { FakeDiscordGateway } from './fake-discord-gateway.ts';
import { aUser, guildsFor, messagePayload, textChannelOf } from './fake-discord-gateway-payloads.ts';

interface Start {
  readonly shards: number;
  readonly maxConcurrency: number;
  readonly guildsPerShard: number;
  readonly members: number;
}

let gateway: FakeDiscordGateway | undefined;
let guilds: { id: string }[] = [];
let members = 0;

/** Guild chatter a bot sees without the privileged intents: messages, typing and presence-like updates. */
function eventsFor(guildIds: readonly string[], count: number): { t: string; d: unknown }[] {
  const events: { t: string; d: unknown }[] = [];
  for (let i = 0; i < count; i++) {
    const guildId = guildIds[i % guildIds.length] as string;
    const userId = (BigInt(guildId) + 1000n + BigInt(members > 0 ? i % members : 0)).toString();
    const channelId = textChannelOf(guildId);
    const kind = i % 3;
    if (kind === 0) {
      events.push({
        t: 'MESSAGE_CREATE',
        d: messagePayload(String(10n ** 17n + BigInt(i)), channelId, `hello ${i}`, aUser(userId), guildId),
      });
    } else if (kind === 1) {
      events.push({
        t: 'TYPING_START',
        d: { channel_id: channelId, guild_id: guildId, user_id: userId, timestamp: 1_764_000_000 },
      });
    } else {
      events.push({
        t: 'PRESENCE_UPDATE',
        d: {
          user: { id: userId },
          guild_id: guildId,
          status: i % 2 ? 'online' : 'idle',
          // A new activity each time: discord.js emits presenceUpdate only for a change, as Discord sends them.
          activities: [{ name: `game ${i}`, type: 0 }],
          client_status: { desktop: 'online' },
        },
      });
    }
  }
  return events;
}

process.on('message', (message: { start?: Start; flood?: { perShard: number } }) => {
  (async () => {
    if (message.start) {
      const { shards, maxConcurrency, guildsPerShard } = message.start;
      members = message.start.members;
      guilds = guildsFor(shards, guildsPerShard, members);
      gateway = await FakeDiscordGateway.start({ shards, maxConcurrency, guilds, maxGuildsPerShard: 2_500 });
      process.send?.({ api: gateway.api });
    } else if (message.flood && gateway) {
      const live = gateway;
      const started = performance.now();
      const shards = live.connectedShards();
      const perShard = message.flood.perShard;
      await Promise.all(
        shards.map((shard) => {
          const own = guilds.filter((g) => live.shardOf(g.id) === shard).map((g) => g.id);
          return live.flood(shard, eventsFor(own, perShard));
        }),
      );
      process.send?.({ flooded: shards.length * perShard, ms: performance.now() - started });
    }
  })().catch((error: unknown) => {
    console.error('fake Discord gateway process failed:', error);
    process.exit(1);
  });
});
process.on('disconnect', () => {
  (gateway?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
