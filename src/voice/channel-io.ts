import type { ProgressEditBudget } from '../chat/throttled-edits.ts';
import type { UserId } from '../domain/ids.ts';
import type { PcmFrame } from './pcm.ts';

/**
 * One voice channel as the conversation loop sees it, whatever carries it (Discord voice, the playground's
 * microphone WebSocket). The surface decodes what people say to PCM and plays what the loop gives it.
 */
export interface VoiceChannelIo {
  /** Decoded speech, one frame per speaker packet (any rate; the loop resamples). Ends when the channel closes. */
  readonly speech: AsyncIterable<SpeakerFrame>;
  /** Plays model speech (any rate; the surface converts to what it needs, e.g. 48 kHz stereo Opus). */
  play(frame: PcmFrame): void;
  /** Stops playback at once and drops queued audio (barge-in). */
  stopPlayback(): void;
  /** One line of text in the channel's chat: transcripts, tool notes, errors. */
  post(line: string): Promise<void>;
  /**
   * Chat messages the loop can edit: a turn's transcript is one message, edited as it grows. Without it each
   * finished part of a turn is a `post` line of its own.
   */
  readonly messages?: EditableMessages | undefined;
  /** A speaker's display name, so the model and the transcript know who said what. */
  nameOf?(speaker: UserId): string | undefined;
}

export interface SpeakerFrame {
  readonly speaker: UserId;
  readonly frame: PcmFrame;
}

export interface EditableMessages {
  /** Posts a message (mentioning nobody); resolves with its id. */
  post(text: string): Promise<string>;
  /** Replaces the text of a message posted here. */
  edit(id: string, text: string): Promise<void>;
  /** Longest text a message takes (Discord: 2000). */
  readonly maxLength: number;
  /** Minimum time between two edits of one message (Discord: about one a second). */
  readonly editIntervalMs: number;
  /**
   * The edit budget of the place the messages go to (Discord: the channel's, shared with answers streaming
   * there). Progress edits ask it; the final edit of a turn is always sent and counted.
   */
  budget?(): (ProgressEditBudget & { open(): () => void; spend(): void }) | undefined;
}
