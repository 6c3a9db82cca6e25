import type { ModelInfo } from '../../domain/models/catalog.ts';
import type { ModelFailureCode, TextRequest } from '../../ports/text-model.ts';
import type { BenchDeps } from './deps.ts';
import type { AdaptiveLimiter } from './limiter.ts';

export type CallResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly inputTokens: number;
      readonly outputTokens: number;
      readonly latencyMs: number;
      readonly attempts: number;
      /** Identical prompt already asked in this run: no cost, no latency. */
      readonly cached: boolean;
      /** Kept from an earlier run of the same prompt (resume): no cost now, no latency. */
      readonly reused?: boolean;
      /** Answered by a Bedrock batch job: billed at the batch price, no per-call latency. */
      readonly batch?: boolean;
    }
  | { readonly ok: false; readonly code: ModelFailureCode; readonly message: string; readonly attempts: number };

/** The request run mode sends for a prompt: short answers, temperature 0 where the model lets us set it. */
export const benchRequest = (model: ModelInfo, prompt: string): TextRequest => ({
  model: model.id,
  messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
  maxTokens: Math.min(1024, model.maxOutputTokens),
  ...(model.fixedSampling ? {} : { temperature: 0 }),
});

/** The answer-cache key: the model as Bedrock knows it, the request's parameters, the attempt and the prompt. */
export function answerKey(model: ModelInfo, prompt: string, repeat: number): string {
  const { maxTokens, temperature } = benchRequest(model, '');
  return JSON.stringify([model.bedrockId, maxTokens ?? null, temperature ?? null, repeat, prompt]);
}

/** Failures worth another try; anything else (access denied, unknown model, bad request) will not get better. */
const TRANSIENT: ReadonlySet<ModelFailureCode> = new Set([
  'model.throttled',
  // Bedrock still preparing the model (was read as throttling until /ask told them apart).
  'model.not_ready',
  'model.timeout',
  'model.stream_failed',
  'model.unavailable',
]);

/**
 * One prompt to one model with the bench's manners: waits for a slot under the model's adaptive limit, abandons a
 * call after `rowTimeoutMs`, retries throttling and transient failures with exponential backoff and jitter, and
 * reports throttling to the limiter (which halves its concurrency) so the run slows down instead of failing.
 */
export async function callModel(
  deps: BenchDeps,
  limiter: AdaptiveLimiter,
  model: ModelInfo,
  prompt: string,
  signal: AbortSignal,
): Promise<CallResult> {
  const request = benchRequest(model, prompt);
  const { maxAttempts, backoffMs, rowTimeoutMs } = deps.limits;
  let last: CallResult = { ok: false, code: 'model.unavailable', message: 'not called', attempts: 0 };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let sentAt: number;
    try {
      sentAt = await limiter.acquire(signal);
    } catch {
      return { ok: false, code: 'model.aborted', message: 'cancelled', attempts: attempt - 1 };
    }
    const started = deps.clock();
    const timeout = AbortSignal.timeout(rowTimeoutMs);
    let outcome: Awaited<ReturnType<typeof collect>>;
    try {
      outcome = await collect(deps, request, AbortSignal.any([signal, timeout]));
    } finally {
      limiter.release();
    }
    if (outcome.ok) {
      limiter.succeeded();
      return { ...outcome, latencyMs: deps.clock() - started, attempts: attempt, cached: false };
    }
    if (signal.aborted) return { ok: false, code: 'model.aborted', message: 'cancelled', attempts: attempt };
    const code = timeout.aborted ? 'model.timeout' : outcome.code;
    last = {
      ok: false,
      code,
      message: timeout.aborted ? `no answer within ${rowTimeoutMs} ms` : outcome.message,
      attempts: attempt,
    };
    if (!TRANSIENT.has(code)) return last;
    if (code === 'model.throttled') {
      // The limiter now paces every call of this model under the quota: retry at its pace, no backoff of our own.
      limiter.throttled(sentAt);
      continue;
    }
    if (attempt < maxAttempts) {
      try {
        await deps.sleep(backoff(backoffMs, attempt), signal);
      } catch {
        return { ok: false, code: 'model.aborted', message: 'cancelled', attempts: attempt };
      }
    }
  }
  return last;
}

/** 1x, 2x, 4x ... the base (capped at 30 s), with ±25 % jitter so retries of parallel calls spread out. */
const backoff = (base: number, attempt: number): number =>
  Math.min(30_000, base * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);

async function collect(
  deps: BenchDeps,
  request: TextRequest,
  signal: AbortSignal,
): Promise<
  | { ok: true; text: string; inputTokens: number; outputTokens: number }
  | { ok: false; code: ModelFailureCode; message: string }
> {
  try {
    const outcome = await deps.textModel.generate(request, { signal });
    return outcome.ok ? { ok: true, text: outcome.text, ...outcome.usage } : outcome;
  } catch (error) {
    // The port never rejects for model failures; a bug there still fails one row, not the whole run.
    if (signal.aborted) return { ok: false, code: 'model.aborted', message: 'aborted' };
    return { ok: false, code: 'model.stream_failed', message: error instanceof Error ? error.message : String(error) };
  }
}
