import type { DiscordGatewayAdapterCreator } from '@discordjs/voice';
import { type Client, Events, Routes } from 'discord.js';
import type { Logger } from '../../../src/ports/logger.ts';
import { ownsGuild, shardOf } from '../sharding.ts';
import type { VoiceChannelRef, VoiceHost, VoiceLink } from './voice-host.ts';
import { openVoiceLink } from './voice-link.ts';

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

  botChannelOf(guildId: string): VoiceChannelRef | undefined {
    const botId = this.#client.user?.id;
    return botId ? this.voiceChannelOf(guildId, botId) : undefined;
  }

  humansIn(guildId: string, channelId: string): number {
    const channel = this.#client.guilds.cache.get(guildId)?.channels.cache.get(channelId);
    if (!channel?.isVoiceBased()) return 0;
    return channel.members.filter((member) => !member.user.bot).size;
  }

  async connect(ref: VoiceChannelRef): Promise<VoiceLink> {
    const guild = this.#client.guilds.cache.get(ref.guildId);
    if (!guild && !ownsGuild(this.#client, ref.guildId)) {
      // Voice goes through the shard that owns the guild (its op 4 on that shard's socket): another process's.
      const shard = shardOf(ref.guildId, this.#client.options.shardCount ?? 1);
      throw new Error(`guild ${ref.guildId} is on shard ${shard}, which this process does not run`);
    }
    const channel = guild?.channels.cache.get(ref.id);
    if (!guild || !channel?.isVoiceBased()) throw new Error(`voice channel ${ref.id} not found`);
    if (!channel.joinable) throw new Error(`missing permission to join ${ref.id}`);
    return openVoiceLink({
      guildId: ref.guildId,
      channelId: ref.id,
      // discord.js and @discordjs/voice pin different discord-api-types; the adapter is the same at runtime.
      adapterCreator: guild.voiceAdapterCreator as DiscordGatewayAdapterCreator,
      log: this.#log.child({ guildId: ref.guildId, channelId: ref.id }),
    });
  }

  /** Straight to REST (no cache needed), with the mentions turned off in the payload itself. */
  async send(channelId: string, line: string): Promise<string> {
    const sent = await this.#client.rest.post(Routes.channelMessages(channelId), {
      body: { content: line, allowed_mentions: NO_MENTIONS },
    });
    return messageId(sent);
  }

  async edit(channelId: string, messageId: string, text: string): Promise<void> {
    await this.#client.rest.patch(Routes.channelMessage(channelId, messageId), {
      body: { content: text, allowed_mentions: NO_MENTIONS },
    });
  }

  displayNameOf(guildId: string, userId: string): string | undefined {
    const member = this.#client.guilds.cache.get(guildId)?.members.cache.get(userId);
    return member?.displayName ?? this.#client.users.cache.get(userId)?.displayName;
  }

  onVoiceStateChange(listener: (guildId: string) => void): () => void {
    const handler = (_: unknown, next: { guild: { id: string } }): void => listener(next.guild.id);
    this.#client.on(Events.VoiceStateUpdate, handler);
    return () => this.#client.off(Events.VoiceStateUpdate, handler);
  }
}

/** Nobody is pinged by a transcript: model text and display names may hold @everyone, roles or user mentions. */
const NO_MENTIONS = { parse: [] } as const;

function messageId(sent: unknown): string {
  const id = typeof sent === 'object' && sent !== null && 'id' in sent ? sent.id : undefined;
  if (typeof id !== 'string') throw new Error('Discord answered a message post without an id');
  return id;
}
