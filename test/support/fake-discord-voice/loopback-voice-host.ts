import type { VoiceChannelRef, VoiceHost, VoiceLink } from '../../../adapters/discord/voice/voice-host.ts';
import { openVoiceLink } from '../../../adapters/discord/voice/voice-link.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import { BOT_ID, type FakeDiscordVoice } from './fake-discord-voice.ts';

/**
 * The VoiceHost the bot uses, over the loopback Discord instead of a discord.js Client: guild state from the
 * fake's member map, and connections through the real openVoiceLink with the fake main gateway's adapter.
 */
export class LoopbackVoiceHost implements VoiceHost {
  readonly #discord: FakeDiscordVoice;
  readonly #log: Logger;
  readonly #reconnectTimeoutMs: number;

  constructor(discord: FakeDiscordVoice, log: Logger, reconnectTimeoutMs: number) {
    this.#discord = discord;
    this.#log = log;
    this.#reconnectTimeoutMs = reconnectTimeoutMs;
  }

  voiceChannelOf(guildId: string, userId: string): VoiceChannelRef | undefined {
    const id = this.#discord.channelOf(guildId, userId);
    return id ? { guildId, id, name: id } : undefined;
  }

  botChannelOf(guildId: string): VoiceChannelRef | undefined {
    return this.voiceChannelOf(guildId, BOT_ID);
  }

  humansIn(guildId: string, channelId: string): number {
    return this.#discord.humansIn(guildId, channelId);
  }

  connect(channel: VoiceChannelRef): Promise<VoiceLink> {
    return openVoiceLink({
      guildId: channel.guildId,
      channelId: channel.id,
      adapterCreator: this.#discord.adapterCreator(channel.guildId),
      log: this.#log,
      readyTimeoutMs: 10_000,
      reconnectTimeoutMs: this.#reconnectTimeoutMs,
    });
  }

  async send(channelId: string, line: string): Promise<string> {
    this.#discord.chat.push({ channelId, line });
    return String(this.#discord.chat.length - 1);
  }

  async edit(channelId: string, messageId: string, text: string): Promise<void> {
    const message = this.#discord.chat[Number(messageId)];
    if (message?.channelId !== channelId) throw new Error(`no message ${messageId} in ${channelId}`);
    message.line = text;
  }

  displayNameOf(guildId: string, userId: string): string | undefined {
    return this.#discord.displayNameOf(guildId, userId);
  }

  onVoiceStateChange(listener: (guildId: string) => void): () => void {
    return this.#discord.onVoiceState(listener);
  }
}
