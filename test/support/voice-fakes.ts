import type { RecognitionEvent, SpeechRecognition, SpeechToText } from '../../src/ports/speech-to-text.ts';
import type {
  GenerateOptions,
  ModelFailureCode,
  StopReason,
  TextModel,
  TextOutcome,
  TextRequest,
  TokenUsage,
  ToolUse,
} from '../../src/ports/text-model.ts';
import type { TextToSpeech } from '../../src/ports/text-to-speech.ts';
import type { VoiceEvent } from '../../src/ports/voice-model.ts';
import { EventQueue } from '../../src/voice/event-queue.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';

/** A SpeechToText whose results the test says, as Transcribe would. */
export class ScriptedSpeechToText implements SpeechToText {
  readonly sessions: { results: EventQueue<RecognitionEvent>; frames: PcmFrame[]; ended: boolean }[] = [];

  open(): SpeechRecognition {
    const session = { results: new EventQueue<RecognitionEvent>(), frames: [] as PcmFrame[], ended: false };
    this.sessions.push(session);
    return {
      send: (frame) => void session.frames.push(frame),
      end: () => {
        session.ended = true;
        session.results.end();
      },
      results: session.results,
    };
  }

  say(event: RecognitionEvent, session = this.sessions.length - 1): void {
    this.sessions[session]?.results.push(event);
  }
}

/** One step of a scripted answer: what the model streams, then how it ends. */
export type ScriptStep =
  | { readonly type: 'text'; readonly delta: string }
  | ({ readonly type: 'toolUse' } & ToolUse)
  | { readonly type: 'end'; readonly stopReason: StopReason; readonly usage: TokenUsage }
  | { readonly type: 'error'; readonly code: ModelFailureCode; readonly message: string };

/**
 * A TextModel answering from a script per request; records every request. Steps are played one per microtask, so
 * a barge-in can land between them; a script with neither `end` nor `error` is a stream cut short.
 */
export class ScriptedTextModel implements TextModel {
  readonly requests: TextRequest[] = [];
  readonly #script: (request: TextRequest, call: number) => readonly ScriptStep[];

  constructor(script: (request: TextRequest, call: number) => readonly ScriptStep[]) {
    this.#script = script;
  }

  async generate(request: TextRequest, { signal, onText }: GenerateOptions = {}): Promise<TextOutcome> {
    this.requests.push(request);
    let text = '';
    const toolUses: ToolUse[] = [];
    for (const step of this.#script(request, this.requests.length - 1)) {
      if (signal?.aborted) return { ok: false, code: 'model.aborted', message: 'aborted', partialText: text };
      await Promise.resolve();
      switch (step.type) {
        case 'text':
          text += step.delta;
          onText?.(step.delta, text);
          break;
        case 'toolUse':
          toolUses.push({ toolUseId: step.toolUseId, name: step.name, input: step.input });
          break;
        case 'end':
          return { ok: true, text, toolUses, stopReason: step.stopReason, usage: step.usage };
        case 'error':
          return { ok: false, code: step.code, message: step.message, partialText: text };
      }
    }
    return {
      ok: false,
      code: 'model.stream_failed',
      message: 'the script ended without end or error',
      partialText: text,
    };
  }

  async countTokens(): Promise<number | undefined> {
    return undefined;
  }
}

export const answer = (...sentences: string[]): ScriptStep[] => [
  ...sentences.map((s) => ({ type: 'text' as const, delta: s })),
  { type: 'end', stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 5 } },
];

/** A TextToSpeech turning each sentence into one frame whose samples hold the sentence's length. */
export class RecordingTextToSpeech implements TextToSpeech {
  readonly sentences: string[] = [];
  /** When set, synthesis waits for this before yielding (to test barge-in mid-speech). */
  gate: Promise<void> | undefined;
  failWith: Error | undefined;

  async *synthesize(text: string, _options: unknown, signal: AbortSignal): AsyncIterable<PcmFrame> {
    this.sentences.push(text);
    if (this.failWith) throw this.failWith;
    if (this.gate) await this.gate;
    if (signal.aborted) return;
    yield { sampleRate: 16_000, channels: 1, samples: new Int16Array(320).fill(text.length) };
  }
}

/** Reads events until one matches, failing after a bound instead of hanging the run. */
export async function eventsUntil(
  events: AsyncIterable<VoiceEvent>,
  done: (event: VoiceEvent) => boolean,
  seen: VoiceEvent[] = [],
): Promise<VoiceEvent[]> {
  const iterator = events[Symbol.asyncIterator]();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    if (next === 'timeout' || next.done) break;
    seen.push(next.value);
    if (done(next.value)) return seen;
  }
  throw new Error(`event not seen; got ${JSON.stringify(seen.map((e) => e.type))}`);
}
