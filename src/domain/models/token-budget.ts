import { type AppError, appError, err, ok, type Result } from '../result.ts';
import type { ModelInfo } from './catalog.ts';
import type { ConversationTurn } from './conversation.ts';

/** Safety margin on local estimates: chars/4 is an average, and refusing early beats a ValidationException. */
export const ESTIMATE_MARGIN = 1.15;
/** Role markers and message framing per turn. */
const PER_TURN_OVERHEAD = 4;
/** What /ask reserves for the answer when the model allows more. */
export const DEFAULT_OUTPUT_RESERVE = 4_096;

/** Local token estimate of a text for a model: chars/4, scaled by the model's tokenizer factor, with a margin. */
export const estimateTokens = (text: string, model: ModelInfo): number => estimateTokensOfChars(text.length, model);

/** The same estimate from a character count (streamed text and reasoning of a failed call). */
export const estimateTokensOfChars = (chars: number, model: ModelInfo): number =>
  Math.ceil((chars / 4) * model.tokenEstimateFactor * ESTIMATE_MARGIN);

export interface BudgetRequest {
  readonly model: ModelInfo;
  readonly system?: string;
  /** Earlier turns, oldest first. */
  readonly history: readonly ConversationTurn[];
  /** The new user message. */
  readonly prompt: string;
  /** Output tokens to reserve; defaults to min(model max output, DEFAULT_OUTPUT_RESERVE + the model's reasoning reserve). */
  readonly reserveOutput?: number;
  /** Exact input tokens of the whole request (CountTokens), when the model could count them. */
  readonly countedInputTokens?: number;
}

export interface BudgetPlan {
  /** The history that fits, oldest first (starts with a user turn). */
  readonly history: readonly ConversationTurn[];
  readonly droppedTurns: number;
  /** Input tokens of the planned request: exact when counted and nothing was trimmed, else estimated. */
  readonly inputTokens: number;
  readonly exact: boolean;
  /** What to send as maxTokens. */
  readonly maxOutputTokens: number;
}

/**
 * Fits prompt + history + reserved output into the model's context window: trims the oldest turns, or refuses
 * with `ask.prompt_too_long` when the prompt alone is too big. Pure: the caller does the counting call.
 */
export function planBudget(request: BudgetRequest): Result<BudgetPlan, AppError> {
  const { model } = request;
  // A model that reasons by default spends part of maxTokens thinking before the first word of the answer.
  const reserve = request.reserveOutput ?? DEFAULT_OUTPUT_RESERVE + (model.reasoning?.reserveTokens ?? 0);
  const maxOutputTokens = Math.min(reserve, model.maxOutputTokens);
  const available = model.contextWindow - maxOutputTokens;
  const turnCost = (text: string) => estimateTokens(text, model) + PER_TURN_OVERHEAD;
  const fixedEstimate = (request.system ? estimateTokens(request.system, model) : 0) + turnCost(request.prompt);
  const historyCosts = request.history.map((t) => turnCost(t.text));
  const fullEstimate = fixedEstimate + historyCosts.reduce((a, b) => a + b, 0);

  const counted = request.countedInputTokens;
  if (counted !== undefined && counted <= available) {
    return ok({ history: request.history, droppedTurns: 0, inputTokens: counted, exact: true, maxOutputTokens });
  }
  // Scale local estimates by what the model really counted, so trimming aims at the real tokenizer.
  const scale = counted !== undefined && fullEstimate > 0 ? Math.max(1, counted / fullEstimate) : 1;
  const fixed = Math.ceil(fixedEstimate * scale);
  if (fixed > available) {
    return err(
      appError(
        'ask.prompt_too_long',
        `The prompt is about ${fixed.toLocaleString('en-US')} tokens, but ${model.name} takes at most ` +
          `${available.toLocaleString('en-US')} input tokens (a ${model.contextWindow.toLocaleString('en-US')}-token ` +
          `context with ${maxOutputTokens.toLocaleString('en-US')} kept for the answer).`,
        'Shorten the prompt, or pick a model with a larger context window.',
      ),
    );
  }
  let total = fixed + Math.ceil(historyCosts.reduce((a, b) => a + b, 0) * scale);
  let start = 0;
  while (total > available && start < request.history.length) {
    total -= Math.ceil((historyCosts[start] ?? 0) * scale);
    start++;
  }
  // Bedrock wants the conversation to open with a user turn.
  while (start < request.history.length && request.history[start]?.role !== 'user') {
    total -= Math.ceil((historyCosts[start] ?? 0) * scale);
    start++;
  }
  return ok({
    history: request.history.slice(start),
    droppedTurns: start,
    inputTokens: total,
    exact: false,
    maxOutputTokens,
  });
}
