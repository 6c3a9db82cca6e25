import type { PcmFrame } from '../voice/pcm.ts';

/** Speech synthesis (Amazon Polly), one sentence at a time. */
export interface TextToSpeech {
  /** Mono PCM chunks as they arrive; aborting stops the download. Throws `SpeechSynthesisError` on failure. */
  synthesize(text: string, options: SynthesisOptions, signal: AbortSignal): AsyncIterable<PcmFrame>;
}

export interface SynthesisOptions {
  readonly voice: string;
  readonly engine: 'neural' | 'generative' | 'standard';
}

export class SpeechSynthesisError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SpeechSynthesisError';
    this.code = code;
  }
}
