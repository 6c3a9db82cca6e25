import { costUsd, type ModelInfo } from '../../domain/models/catalog.ts';
import type { ConversationTurn } from '../../domain/models/conversation.ts';
import { planBudget } from '../../domain/models/token-budget.ts';
import type { AppError, Result } from '../../domain/result.ts';
import type { ChatMessage, ModelFailureCode, StopReason, TextRequest, TokenUsage } from '../../ports/text-model.ts';
import type { AskDeps } from './deps.ts';
import { largerModels } from './resolve.ts';

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
}

/** One model that did not answer, and why (`partialText`: what it had streamed before failing). */
export interface ModelFailure {
  readonly ok: false;
  readonly model: ModelInfo;
  readonly code: ModelFailureCode | 'ask.prompt_too_long';
  readonly message: string;
  readonly partialText: string;
}

export type Attempt = ModelAnswer | ModelFailure;

export interface AnswerRequest {
  readonly system?: string;
  readonly history: readonly ConversationTurn[];
  readonly userText: string;
}

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
): Promise<Result<{ request: TextRequest; droppedTurns: number }, AppError>> {
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
  return { ok: true, value: { request: trimmed, droppedTurns: plan.value.droppedTurns } };
}

/** Streams one model's answer, reporting the text so far; failures are values, partial text included. */
export async function streamAnswer(
  deps: AskDeps,
  model: ModelInfo,
  request: TextRequest,
  droppedTurns: number,
  onText?: (delta: string, textSoFar: string) => void,
  signal?: AbortSignal,
): Promise<Attempt> {
  const started = deps.clock();
  // /ask offers no tools; a model asking for one anyway just ends its turn.
  const outcome = await deps.textModel.generate(request, { signal, onText });
  if (!outcome.ok) {
    return { ok: false, model, code: outcome.code, message: outcome.message, partialText: outcome.partialText };
  }
  return {
    ok: true,
    model,
    text: outcome.text,
    usage: outcome.usage,
    costUsd: costUsd(model, outcome.usage),
    latencyMs: Math.max(0, deps.clock() - started),
    stopReason: outcome.stopReason,
    droppedTurns,
  };
}

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
