import type { GenerateOptions, TextModel, TextOutcome, TextRequest } from '../../../src/ports/text-model.ts';

export interface ScriptedCall {
  readonly model: string;
  readonly prompt: string;
  /** Calls of this model in flight when this one started (itself included). */
  readonly concurrent: number;
  /** 1-based index of this call to this model. */
  readonly n: number;
}

/** What the scripted model does for one call. */
export type ScriptedStep =
  | {
      readonly answer: string;
      readonly delayMs?: number;
      readonly inputTokens?: number;
      readonly outputTokens?: number;
    }
  | { readonly fail: 'model.throttled' | 'model.not_found' | 'model.unavailable' }
  /** Never answers: only the caller's signal (the row timeout) ends it. */
  | { readonly hang: true };

/**
 * A `TextModel` driven by a script function: it sees each call (model, prompt, how many calls of that model are in
 * flight) and decides the answer, a failure or a hang. Records every call for assertions.
 */
export class ScriptedTextModel implements TextModel {
  readonly calls: ScriptedCall[] = [];
  readonly #script: (call: ScriptedCall) => ScriptedStep;
  readonly #inFlight = new Map<string, number>();
  readonly #counts = new Map<string, number>();
  maxConcurrent = 0;

  constructor(script: (call: ScriptedCall) => ScriptedStep) {
    this.#script = script;
  }

  async generate(request: TextRequest, { signal, onText }: GenerateOptions = {}): Promise<TextOutcome> {
    const model = request.model;
    const prompt = request.messages
      .flatMap((m) => m.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])))
      .join('\n');
    const concurrent = (this.#inFlight.get(model) ?? 0) + 1;
    const n = (this.#counts.get(model) ?? 0) + 1;
    this.#inFlight.set(model, concurrent);
    this.#counts.set(model, n);
    this.maxConcurrent = Math.max(this.maxConcurrent, concurrent);
    const call = { model, prompt, concurrent, n };
    this.calls.push(call);
    const aborted: TextOutcome = { ok: false, code: 'model.aborted', message: 'aborted', partialText: '' };
    try {
      const step = this.#script(call);
      if ('fail' in step) {
        await pause(1, signal);
        return { ok: false, code: step.fail, message: `scripted ${step.fail}`, partialText: '' };
      }
      if ('hang' in step) {
        await pause(60_000, signal);
        return aborted;
      }
      await pause(step.delayMs ?? 2, signal);
      if (signal?.aborted) return aborted;
      onText?.(step.answer, step.answer);
      return {
        ok: true,
        text: step.answer,
        toolUses: [],
        stopReason: 'end_turn',
        usage: { inputTokens: step.inputTokens ?? 10, outputTokens: step.outputTokens ?? 2 },
      };
    } finally {
      this.#inFlight.set(model, (this.#inFlight.get(model) ?? 1) - 1);
    }
  }

  async countTokens(): Promise<number | undefined> {
    return undefined;
  }
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
