import type { Tool, ToolCaller } from '../app/tools.ts';
import type { VoiceUsageDelta } from '../domain/voice/usage.ts';
import type { PcmFrame } from '../voice/pcm.ts';

/**
 * A speech-to-speech engine: Nova 2 Sonic, or the Transcribe -> Converse -> Polly cascade.
 * The voice conversation loop (src/voice) feeds it paced 16 kHz mono frames and plays what it says.
 */
export interface VoiceModel {
  readonly engine: 'sonic' | 'cascade';
  open(options: VoiceSessionOptions, signal: AbortSignal): Promise<VoiceConversation>;
}

export interface VoiceSessionOptions {
  readonly voice?: string;
  readonly systemPrompt?: string;
  /** The text model behind the voice (a catalog key), for engines that have one (the cascade); Sonic ignores it. */
  readonly textModel?: string;
  /** Earlier turns, carried over when a session is renewed. */
  readonly history: readonly VoiceTurn[];
  readonly tools: readonly Tool[];
  /** Who the tools act for, decided by our code (the speaker the loop is listening to), never by the model. */
  readonly caller: () => ToolCaller;
}

export interface VoiceTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface VoiceConversation {
  /** 16 kHz mono PCM, paced in real time by the caller; silence included so the model can end turns. */
  sendAudio(frame: PcmFrame): void;
  readonly events: AsyncIterable<VoiceEvent>;
  close(): Promise<void>;
}

export type VoiceEvent =
  | { readonly type: 'transcript'; readonly role: 'user' | 'assistant'; readonly text: string; readonly final: boolean }
  /** Model speech (24 kHz mono for Sonic, Polly's PCM rate for the cascade). */
  | { readonly type: 'audio'; readonly frame: PcmFrame }
  /** The user barged in: drop queued audio, stop playback now. */
  | { readonly type: 'interrupted' }
  | { readonly type: 'tool'; readonly name: string; readonly status: 'started' | 'done' | 'failed' }
  | { readonly type: 'turnEnd' }
  /** A failure; `recoverable` means the loop may reopen a session with the history. */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly recoverable: boolean }
  /** The session reached its time limit and should be renewed with the history. */
  | { readonly type: 'expiring' }
  /** What the engine used since its last usage event (tokens, audio seconds, characters), for the cost at /leave. */
  | { readonly type: 'usage'; readonly usage: VoiceUsageDelta };
