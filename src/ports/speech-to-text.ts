import type { PcmFrame } from '../voice/pcm.ts';

/** Streaming speech recognition (Amazon Transcribe streaming). */
export interface SpeechToText {
  open(options: RecognitionOptions, signal: AbortSignal): SpeechRecognition;
}

export interface RecognitionOptions {
  /** BCP-47 code Transcribe knows, e.g. `en-US`. */
  readonly languageCode: string;
  readonly sampleRate: number;
}

export interface SpeechRecognition {
  /** Mono PCM at the rate given in the options. */
  send(frame: PcmFrame): void;
  /** Ends the audio input; results then finish. */
  end(): void;
  readonly results: AsyncIterable<RecognitionEvent>;
}

export type RecognitionEvent =
  /** What is being said so far in the current segment; replaced by later partials. */
  | { readonly type: 'partial'; readonly text: string }
  /** A segment is complete. A turn may hold several. */
  | { readonly type: 'final'; readonly text: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string };
