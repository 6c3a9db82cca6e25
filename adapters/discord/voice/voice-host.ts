import type { ReceiverLike } from './discord-voice-channel-io.ts';
import type { PlayerLike } from './playback-sink.ts';

/**
 * What voice sessions need from Discord, as plain data and functions. `DiscordVoiceHost` implements it over a
 * discord.js Client and @discordjs/voice; tests implement it with fakes, no gateway needed.
 */
export interface VoiceHost {
  /** The voice channel a member is in, if any. */
  voiceChannelOf(guildId: string, userId: string): VoiceChannelRef | undefined;
  /** Members in the channel who are not bots. */
  humansIn(guildId: string, channelId: string): number;
  /** Joins (not deafened, DAVE on) and resolves once the connection is ready; rejects if it cannot. */
  connect(channel: VoiceChannelRef): Promise<VoiceLink>;
  /** One line in the channel's text chat. */
  send(channelId: string, line: string): Promise<void>;
  /** Called with the guild id whenever someone's voice state changes; returns an unsubscribe function. */
  onVoiceStateChange(listener: (guildId: string) => void): () => void;
}

export interface VoiceChannelRef {
  readonly guildId: string;
  readonly id: string;
  readonly name: string;
}

/** A ready voice connection with its player. */
export interface VoiceLink {
  readonly receiver: ReceiverLike;
  readonly player: PlayerLike;
  /** Called once when the connection is lost for good (not for a reconnect that succeeds). */
  onLost(listener: (reason: string) => void): void;
  destroy(): void;
}
