import {
  createAudioPlayer,
  type DiscordGatewayAdapterCreator,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { type Client, Events } from 'discord.js';
import type { Logger } from '../../../src/ports/logger.ts';
import type { VoiceChannelRef, VoiceHost, VoiceLink } from './voice-host.ts';

const READY_TIMEOUT_MS = 20_000;
/** A disconnect that does not start reconnecting within this time is final. */
const RECONNECT_GRACE_MS = 5_000;

/** `VoiceHost` over a discord.js Client (needs the Guilds and GuildVoiceStates intents) and @discordjs/voice. */
export class DiscordVoiceHost implements VoiceHost {
  readonly #client: Client;
  readonly #log: Logger;

  constructor(client: Client, log: Logger) {
    this.#client = client;
    this.#log = log;
  }

  voiceChannelOf(guildId: string, userId: string): VoiceChannelRef | undefined {
    const channel = this.#client.guilds.cache.get(guildId)?.voiceStates.cache.get(userId)?.channel;
    return channel ? { guildId, id: channel.id, name: channel.name } : undefined;
  }

  humansIn(guildId: string, channelId: string): number {
    const channel = this.#client.guilds.cache.get(guildId)?.channels.cache.get(channelId);
    if (!channel?.isVoiceBased()) return 0;
    return channel.members.filter((member) => !member.user.bot).size;
  }

  async connect(ref: VoiceChannelRef): Promise<VoiceLink> {
    const guild = this.#client.guilds.cache.get(ref.guildId);
    const channel = guild?.channels.cache.get(ref.id);
    if (!guild || !channel?.isVoiceBased()) throw new Error(`voice channel ${ref.id} not found`);
    if (!channel.joinable) throw new Error(`missing permission to join ${ref.id}`);
    const connection = joinVoiceChannel({
      channelId: ref.id,
      guildId: ref.guildId,
      // discord.js and @discordjs/voice pin different discord-api-types; the adapter is the same at runtime.
      adapterCreator: guild.voiceAdapterCreator as DiscordGatewayAdapterCreator,
      selfDeaf: false,
      selfMute: false,
      daveEncryption: true,
    });
    const log = this.#log.child({ guildId: ref.guildId, channelId: ref.id });
    connection.on('error', (error) => log.warn({ err: error }, 'voice connection error'));
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, READY_TIMEOUT_MS);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    // Never stop on missed frames: the jitter buffer decides when an utterance is over.
    const player = createAudioPlayer({
      behaviors: { noSubscriber: NoSubscriberBehavior.Pause, maxMissedFrames: Number.POSITIVE_INFINITY },
    });
    player.on('error', (error) => log.warn({ err: error }, 'voice player error'));
    connection.subscribe(player);
    return link(connection, player);
  }

  async send(channelId: string, line: string): Promise<void> {
    const channel = this.#client.channels.cache.get(channelId);
    if (!channel?.isSendable()) throw new Error(`cannot send to channel ${channelId}`);
    await channel.send({ content: line, allowedMentions: { parse: [] } });
  }

  onVoiceStateChange(listener: (guildId: string) => void): () => void {
    const handler = (_: unknown, next: { guild: { id: string } }): void => listener(next.guild.id);
    this.#client.on(Events.VoiceStateUpdate, handler);
    return () => this.#client.off(Events.VoiceStateUpdate, handler);
  }
}

const link = (connection: VoiceConnection, player: ReturnType<typeof createAudioPlayer>): VoiceLink => {
  const listeners: ((reason: string) => void)[] = [];
  let lost = false;
  const lose = (reason: string): void => {
    if (lost) return;
    lost = true;
    for (const listener of listeners) listener(reason);
  };
  connection.on('stateChange', (_, next) => {
    if (next.status === VoiceConnectionStatus.Destroyed) lose('destroyed');
    if (next.status !== VoiceConnectionStatus.Disconnected) return;
    // A move or a voice server change reconnects by itself; otherwise the disconnect is final.
    void Promise.race([
      entersState(connection, VoiceConnectionStatus.Signalling, RECONNECT_GRACE_MS),
      entersState(connection, VoiceConnectionStatus.Connecting, RECONNECT_GRACE_MS),
    ]).catch(() => lose('disconnected'));
  });
  return {
    receiver: connection.receiver,
    player,
    onLost: (listener) => void listeners.push(listener),
    destroy: () => {
      lost = true;
      player.stop(true);
      if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
    },
  };
};
