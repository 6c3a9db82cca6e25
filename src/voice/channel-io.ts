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
}

export interface SpeakerFrame {
  readonly speaker: UserId;
  readonly frame: PcmFrame;
}
