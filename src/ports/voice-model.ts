import type { Tool, ToolCaller } from '../app/tools.ts';
import type { VoiceUsageDelta } from '../domain/voice/usage.ts';
import type { PcmFrame } from '../voice/pcm.ts';

/**
 * A speech-to-speech engine: Nova 2 Sonic, or the Transcribe -> Converse -> Polly cascade.
 * The voice conversation loop (src/voice) feeds it paced 16 kHz mono frames and plays what it says.
 */
export interface VoiceModel {
  readonly engine: 'sonic' | 'cascade';
  /** The model behind it, for status (Sonic's model id; the cascade's default text model). */
  readonly modelId?: string | undefined;
  open(options: VoiceSessionOptions, signal: AbortSignal): Promise<VoiceConversation>;
  /**
   * Opens the transport of the next session ahead of a renewal, without its history (AWS's session-continuation
   * pattern): `begin` later sends the history as it is then and starts listening, so the switch costs no round trip.
   * Engines without a session limit leave it out; the loop then calls `open` at the switch.
   */
  prepare?(options: Omit<VoiceSessionOptions, 'history' | 'answer'>, signal: AbortSignal): PreparedVoiceSession;
}

/** A session opened ahead of time (see VoiceModel.prepare). */
export interface PreparedVoiceSession {
  /** False once the transport failed or was closed: prepare another one, or open cold at the switch. */
  readonly alive: boolean;
  /** Sends the history (and the unanswered user turn, if any) and starts listening. Call once. */
  begin(history: readonly VoiceTurn[], answer?: string): VoiceConversation;
  close(): Promise<void>;
}

export interface VoiceSessionOptions {
  readonly voice?: string;
  readonly systemPrompt?: string;
  /** The text model behind the voice (a catalog key), for engines that have one (the cascade); Sonic ignores it. */
  readonly textModel?: string;
  /** Earlier turns, carried over when a session is renewed. */
  readonly history: readonly VoiceTurn[];
  /**
   * A user turn the model heard but did not answer (the session failed or was switched in between): sent after the
   * history as interactive text, so the new session answers it instead of waiting for the user to repeat it.
   */
  readonly answer?: string;
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
  /**
   * A USER message as text, answered like speech (Nova 2 Sonic's cross-modal input; the cascade answers it as a
   * turn): the greeting on join, a filler while a tool runs, a speaker's name before their words.
   */
  sendText(text: string): void;
  /**
   * Who speaks from now on, when several people share the session: context for the model, not answered. Nova 2
   * Sonic gets a non-interactive USER text "[Alice is speaking]" before Alice's audio; the cascade labels its next
   * user turn "Alice: …". Engines without it hear everyone as one user.
   */
  speaker?(name: string): void;
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
  /**
   * The session nears its time limit: renew it at the next turn boundary, and in any case within `switchWithinMs`
   * (after which the service may cut the stream).
   */
  | { readonly type: 'expiring'; readonly switchWithinMs: number }
  /** What the engine used since its last usage event (tokens, audio seconds, characters), for the cost at /leave. */
  | { readonly type: 'usage'; readonly usage: VoiceUsageDelta };
