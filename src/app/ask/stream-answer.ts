import { costUsd, type ModelInfo } from '../../domain/models/catalog.ts';
import type { ConversationTurn } from '../../domain/models/conversation.ts';
import { estimateTokensOfChars, planBudget } from '../../domain/models/token-budget.ts';
import type { AppError, Result } from '../../domain/result.ts';
import type {
  ChatMessage,
  ModelFailureCode,
  StopReason,
  TextFailure,
  TextRequest,
  TokenUsage,
} from '../../ports/text-model.ts';
import type { AskDeps } from './deps.ts';
import { largerModels } from './resolve.ts';

/** What one call cost. `estimated`: the call failed without reporting usage, so it was estimated locally. */
export interface Spend {
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly estimated: boolean;
}

/** One model's complete answer. */
export interface ModelAnswer {
  readonly ok: true;
  readonly model: ModelInfo;
  readonly text: string;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  /** Client wall-clock from request to the last event. */
  readonly latencyMs: number;
  readonly stopReason: StopReason;
  /** History turns left out to fit the context window. */
  readonly droppedTurns: number;
  /** Characters of reasoning the model did before (or instead of) the answer; in `usage`, never in `text`. */
  readonly reasoningChars: number;
  /** Set when the answer stopped early (failure, cancel, time limit) and `text` is what had arrived. */
  readonly cut?: { readonly code: ModelFailureCode; readonly message: string };
  /** `usage` and `costUsd` are a local estimate (a cut answer whose call reported no usage). */
  readonly usageEstimated: boolean;
}

/** One model that did not answer, and why (`partialText`: what it had streamed before failing). */
export interface ModelFailure {
  readonly ok: false;
  readonly model: ModelInfo;
  readonly code: ModelFailureCode | 'ask.prompt_too_long';
  readonly message: string;
  readonly partialText: string;
  /** What the failed call cost: zero for calls Bedrock refused, reported or estimated for ones it had begun. */
  readonly spend: Spend;
}

export type Attempt = ModelAnswer | ModelFailure;

export interface AnswerRequest {
  readonly system?: string;
  readonly history: readonly ConversationTurn[];
  readonly userText: string;
}

/** A request fitted to one model: what to send, what was left out, and the input tokens it should bill. */
export interface PlannedRequest {
  readonly request: TextRequest;
  readonly droppedTurns: number;
  readonly inputTokens: number;
}

export const NO_SPEND: Spend = { usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, estimated: false };

/**
 * Below this share of the window the local estimate (with its margin) cannot plausibly be wrong enough to matter,
 * so the CountTokens round trip is skipped; above it, or when the estimate says trim or refuse, the model counts.
 */
const COUNT_ABOVE_SHARE = 0.5;

/** Fits the request into the model's window: CountTokens where the model supports it and it matters, else a local estimate. */
export async function budgetFor(
  deps: AskDeps,
  model: ModelInfo,
  request: AnswerRequest,
  signal?: AbortSignal,
): Promise<Result<PlannedRequest, AppError>> {
  const budgetRequest = {
    model,
    history: request.history,
    prompt: request.userText,
    ...(request.system === undefined ? {} : { system: request.system }),
  };
  let plan = planBudget(budgetRequest);
  const close =
    !plan.ok ||
    plan.value.droppedTurns > 0 ||
    plan.value.inputTokens > (model.contextWindow - plan.value.maxOutputTokens) * COUNT_ABOVE_SHARE;
  if (close && model.supportsCountTokens) {
    const full = toTextRequest(model, request, request.history, undefined);
    const counted = await deps.textModel.countTokens(full, signal);
    if (counted !== undefined) plan = planBudget({ ...budgetRequest, countedInputTokens: counted });
  }
  if (!plan.ok) {
    const larger = largerModels(deps.catalog, model).map((m) => `\`${m.id}\``);
    const hint =
      larger.length > 0 ? `Shorten the prompt, or pick a larger model: ${larger.join(', ')}.` : plan.error.hint;
    return { ok: false, error: hint === undefined ? plan.error : { ...plan.error, hint } };
  }
  const trimmed = toTextRequest(model, request, plan.value.history, plan.value.maxOutputTokens);
  return {
    ok: true,
    value: { request: trimmed, droppedTurns: plan.value.droppedTurns, inputTokens: plan.value.inputTokens },
  };
}

/** Streams one model's answer, reporting the text so far; failures are values, partial text and spend included. */
export async function streamAnswer(
  deps: AskDeps,
  model: ModelInfo,
  planned: PlannedRequest,
  onText?: (delta: string, textSoFar: string) => void,
  signal?: AbortSignal,
): Promise<Attempt> {
  const started = deps.clock();
  // /ask offers no tools; a model asking for one anyway just ends its turn.
  const outcome = await deps.textModel.generate(planned.request, { signal, onText });
  if (!outcome.ok) {
    return {
      ok: false,
      model,
      code: outcome.code,
      message: outcome.message,
      partialText: outcome.partialText,
      spend: failedSpend(model, planned.inputTokens, outcome),
    };
  }
  return {
    ok: true,
    model,
    text: outcome.text,
    usage: outcome.usage,
    costUsd: costUsd(model, outcome.usage),
    latencyMs: Math.max(0, deps.clock() - started),
    stopReason: outcome.stopReason,
    droppedTurns: planned.droppedTurns,
    reasoningChars: outcome.reasoningChars ?? 0,
    usageEstimated: false,
  };
}

/**
 * A failed call's cost. Refused calls (throttled, denied, invalid: nothing streamed) are not billed. A call that
 * had begun bills its input and what it generated: the reported usage if the stream got that far, else the
 * planned input tokens and a local estimate of the streamed text and reasoning, marked as estimated.
 */
export function failedSpend(model: ModelInfo, plannedInputTokens: number, failure: TextFailure): Spend {
  if (failure.usage) return { usage: failure.usage, costUsd: costUsd(model, failure.usage), estimated: false };
  const began = failure.started ?? failure.partialText !== '';
  if (!began) return NO_SPEND;
  const generated = failure.partialText.length + (failure.reasoningChars ?? 0);
  const usage: TokenUsage = {
    inputTokens: plannedInputTokens,
    outputTokens: estimateTokensOfChars(generated, model),
  };
  return { usage, costUsd: costUsd(model, usage), estimated: true };
}

/** Sums spends: the tokens and cost a whole /ask used, estimated if any part was. */
export function addSpends(spends: readonly Spend[]): Spend {
  let inputTokens = 0;
  let outputTokens = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  let usd = 0;
  let estimated = false;
  for (const s of spends) {
    inputTokens += s.usage.inputTokens;
    outputTokens += s.usage.outputTokens;
    cacheRead += s.usage.cacheReadInputTokens ?? 0;
    cacheWrite += s.usage.cacheWriteInputTokens ?? 0;
    usd += s.costUsd;
    estimated ||= s.estimated;
  }
  const usage: TokenUsage = {
    inputTokens,
    outputTokens,
    ...(cacheRead > 0 ? { cacheReadInputTokens: cacheRead } : {}),
    ...(cacheWrite > 0 ? { cacheWriteInputTokens: cacheWrite } : {}),
  };
  return { usage, costUsd: usd, estimated };
}

export const spendOf = (attempt: Attempt): Spend =>
  attempt.ok ? { usage: attempt.usage, costUsd: attempt.costUsd, estimated: attempt.usageEstimated } : attempt.spend;

function toTextRequest(
  model: ModelInfo,
  request: AnswerRequest,
  history: readonly ConversationTurn[],
  maxTokens: number | undefined,
): TextRequest {
  const messages: ChatMessage[] = history.map((t) => ({ role: t.role, content: [{ type: 'text', text: t.text }] }));
  messages.push({ role: 'user', content: [{ type: 'text', text: request.userText }] });
  return {
    model: model.id,
    messages,
    ...(request.system === undefined ? {} : { system: request.system }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
  };
}
