import { DiscordSurface } from '../../adapters/discord/discord-surface.ts';
import { shardPlan } from '../../adapters/discord/sharding.ts';
import { DiscordVoiceHost } from '../../adapters/discord/voice/discord-voice-host.ts';
import { VoiceLeaseGuard } from '../../adapters/discord/voice/voice-lease.ts';
import { DiscordVoiceSessions } from '../../adapters/discord/voice/voice-sessions.ts';
import { SlackSurface } from '../../adapters/slack/slack-surface.ts';
import { conversationVoice } from '../../adapters/web/conversation-voice.ts';
import { PlaygroundSurface } from '../../adapters/web/playground-surface.ts';
import type { RoutingNotifier } from '../app/route-notifications.ts';
import type { VoiceEngine } from '../app/voice/deps.ts';
import { startVoice } from '../app/voice/start-voice.ts';
import type { Core, Surface } from '../chat/surface.ts';
import type { Config } from '../config.ts';
import { sharedState } from './shared-state.ts';

export interface StartedSurfaces {
  readonly surfaces: readonly Surface[];
  /** Where the playground listens, when it runs. */
  readonly playgroundUrl?: string;
  stop(): Promise<void>;
}

/**
 * Builds the configured surfaces (Discord, Slack, the playground), attaches their direct messengers to the
 * notifier and starts them. A surface that fails to start stops the ones already started.
 */
export async function startSurfaces(config: Config, core: Core, notifier: RoutingNotifier): Promise<StartedSurfaces> {
  const { env } = config;
  const { deps, log } = core;
  const surfaces: Surface[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let playgroundUrl: string | undefined;
  const shared = await sharedState(env);
  cleanups.push(async () => shared.close());
  const stop = async () => {
    for (const surface of [...surfaces].reverse())
      await surface.stop().catch((e: unknown) => log.warn({ err: e }, 'stop failed'));
    for (const cleanup of cleanups) await cleanup();
  };
  try {
    if (config.discordEnabled && env.DISCORD_TOKEN) {
      let voice: VoiceLeaseGuard | undefined;
      const shards = shardPlan(env.DISCORD_SHARDS, env.DISCORD_SHARD_IDS);
      if (!shards.ok) throw new Error(`${shards.error.message} ${shards.error.hint ?? ''}`.trim());
      const discord = new DiscordSurface({
        shards: shards.value,
        core,
        token: env.DISCORD_TOKEN,
        staff: { rolesByGuild: env.STAFF_ROLES, usersByGuild: env.STAFF_USERS },
        maxAttachmentBytes: env.BENCH_MAX_BYTES,
        messageContent: env.DISCORD_MESSAGE_CONTENT,
        ...(env.DISCORD_MAX_UPLOAD_BYTES ? { maxUploadBytes: env.DISCORD_MAX_UPLOAD_BYTES } : {}),
        voiceFor: (guildId, userId) => voice?.voiceFor(guildId, userId),
      });
      const sessions = new DiscordVoiceSessions({
        host: new DiscordVoiceHost(discord.client, log.child({ platform: 'discord', area: 'voice' })),
        log,
        engines: Object.keys(deps.voice.models) as VoiceEngine[],
        editBudgets: discord.editBudgets,
        ...(deps.ops ? { onFrameCpu: deps.ops.metrics.voiceFrameCpu.bind(deps.ops.metrics) } : {}),
        startConversation: (io, request, invoker) => {
          const started = startVoice(deps.voice, { io, request, invoker, log });
          // Engines are checked before connecting, so this is a bug, caught by the session manager.
          if (!started.ok) throw new Error(started.error.message);
          return started.value;
        },
      });
      // One session per guild across replicas and shards: /join takes the guild's lease first (voice-lease.ts).
      const guard = new VoiceLeaseGuard(sessions, {
        leases: shared.leases,
        owner: shared.replicaId,
        ttlMs: env.VOICE_LEASE_MS,
        log: log.child({ platform: 'discord', area: 'voice' }),
      });
      voice = guard;
      cleanups.unshift(async () => {
        await sessions.close();
        await guard.close();
      });
      notifier.attach(discord.directMessenger);
      await discord.start();
      surfaces.push(discord);
    }
    if (config.slackEnabled && env.SLACK_BOT_TOKEN) {
      const slack = new SlackSurface({
        core,
        botToken: env.SLACK_BOT_TOKEN,
        ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
        ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
        mode: env.SLACK_MODE,
        port: env.SLACK_PORT,
        staffUsers: env.SLACK_STAFF_USERS,
        maxFileBytes: env.BENCH_MAX_BYTES,
        deliveryClaims: shared.deliveryClaims,
        ...(shared.buckets ? { sharedBuckets: shared.buckets } : {}),
      });
      notifier.attach(slack.directMessenger());
      await slack.start();
      surfaces.push(slack);
    }
    if (config.playgroundEnabled) {
      const playground = new PlaygroundSurface({
        core,
        host: env.PLAYGROUND_HOST,
        port: env.PLAYGROUND_PORT,
        maxUploadBytes: env.BENCH_MAX_BYTES,
        access: {
          ...(env.PLAYGROUND_TOKEN ? { token: env.PLAYGROUND_TOKEN } : {}),
          ...(env.PLAYGROUND_STAFF_TOKEN ? { staffToken: env.PLAYGROUND_STAFF_TOKEN } : {}),
        },
        voice: conversationVoice(deps.voice, log),
      });
      notifier.attach(playground.messenger);
      await playground.start();
      surfaces.push(playground);
      playgroundUrl = playground.url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { surfaces, ...(playgroundUrl ? { playgroundUrl } : {}), stop };
}
