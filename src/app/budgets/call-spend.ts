import { costUsd, type ModelInfo } from '../../domain/models/catalog.ts';
import { DEFAULT_OUTPUT_RESERVE, estimateTokensOfChars } from '../../domain/models/token-budget.ts';
import type { TextOutcome, TextRequest } from '../../ports/text-model.ts';
import { failedSpend, type Spend } from '../ask/stream-answer.ts';

/** Input characters of a request: system, text, and tool traffic as JSON (what the model reads). */
function inputChars(request: TextRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'text') chars += part.text.length;
      else chars += JSON.stringify(part.type === 'toolUse' ? part.input : part.result)?.length ?? 0;
    }
  }
  for (const tool of request.tools ?? []) chars += tool.description.length + JSON.stringify(tool.inputSchema).length;
  return chars;
}

export const estimatedInputTokens = (model: ModelInfo, request: TextRequest): number =>
  estimateTokensOfChars(inputChars(request), model);

/**
 * The most one call can cost: its estimated input and all the output it may write. Budgets reserve this before the
 * call, so concurrent calls never together pass a limit by more than the last one admitted.
 */
export function worstCaseSpend(model: ModelInfo, request: TextRequest): Spend {
  const outputTokens = request.maxTokens ?? Math.min(model.maxOutputTokens, DEFAULT_OUTPUT_RESERVE);
  const usage = { inputTokens: estimatedInputTokens(model, request), outputTokens };
  return { usage, costUsd: costUsd(model, usage), estimated: true };
}

/** What a finished call cost: the reported usage, or for a failed one what /ask counts (estimated when unreported). */
export function spendOfOutcome(model: ModelInfo, request: TextRequest, outcome: TextOutcome): Spend {
  if (outcome.ok) return { usage: outcome.usage, costUsd: costUsd(model, outcome.usage), estimated: false };
  return failedSpend(model, estimatedInputTokens(model, request), outcome);
}

export const tokensOf = (spend: Spend): number =>
  spend.usage.inputTokens +
  spend.usage.outputTokens +
  (spend.usage.cacheReadInputTokens ?? 0) +
  (spend.usage.cacheWriteInputTokens ?? 0);
