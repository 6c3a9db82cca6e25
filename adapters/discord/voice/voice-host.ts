import type { ReceiverLike } from './discord-voice-channel-io.ts';
import type { PlayerLike } from './playback-sink.ts';

/**
 * What voice sessions need from Discord, as plain data and functions. `DiscordVoiceHost` implements it over a
 * discord.js Client and @discordjs/voice; tests implement it with fakes, no gateway needed.
 */
export interface VoiceHost {
  /** The voice channel a member is in, if any. */
  voiceChannelOf(guildId: string, userId: string): VoiceChannelRef | undefined;
  /** The voice channel the bot itself is in now (it follows moves), if any. */
  botChannelOf(guildId: string): VoiceChannelRef | undefined;
  /** Members in the channel who are not bots. */
  humansIn(guildId: string, channelId: string): number;
  /** Joins (not deafened, DAVE on) and resolves once the connection is ready; rejects if it cannot. */
  connect(channel: VoiceChannelRef): Promise<VoiceLink>;
  /** A message in the channel's text chat, mentioning nobody; resolves with its id. */
  send(channelId: string, line: string): Promise<string>;
  /** Replaces the text of a message the bot sent (mentioning nobody). */
  edit(channelId: string, messageId: string, text: string): Promise<void>;
  /** A member's display name (server nickname, else global name, else username), if known. */
  displayNameOf(guildId: string, userId: string): string | undefined;
  /** Called with the guild id whenever someone's voice state changes; returns an unsubscribe function. */
  onVoiceStateChange(listener: (guildId: string) => void): () => void;
}

export interface VoiceChannelRef {
  readonly guildId: string;
  readonly id: string;
  readonly name: string;
}

/**
 * Why a connection is gone for good: `kicked` (Discord closed it with 4014 and did not move us: kicked, channel
 * deleted), `reconnect_failed` (stuck signalling/connecting past the bound, a rejoin did not help either),
 * `destroyed` (torn down from outside).
 */
export type VoiceLostReason = 'kicked' | 'reconnect_failed' | 'destroyed';

/** A ready voice connection with its player. The receiver and player carry over reconnects. */
export interface VoiceLink {
  readonly receiver: ReceiverLike;
  readonly player: PlayerLike;
  /** Called once when the connection is lost for good (not for a reconnect that succeeds). */
  onLost(listener: (reason: VoiceLostReason) => void): void;
  /**
   * Leaves and joins the same channel again with fresh voice and DAVE sessions (a connection that is "connected
   * but deaf"). Bounded like any reconnect: if it does not come back, `onLost` fires with `reconnect_failed`.
   */
  reconnect(why: string): void;
  destroy(): void;
  /** The connection's state now, for /voice status. */
  status(): VoiceLinkStatus;
}

export interface VoiceLinkStatus {
  /** @discordjs/voice's connection status: ready, signalling, connecting, disconnected, destroyed. */
  readonly connection: string;
  /** The negotiated RTP transport encryption, once connected. */
  readonly encryption?: string;
  /** The DAVE session, once there is one: protocol version, and the MLS epoch once in a group. */
  readonly dave?: { readonly protocolVersion: number; readonly epoch?: number };
}
