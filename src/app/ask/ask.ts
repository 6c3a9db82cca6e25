import type { ModelInfo } from '../../domain/models/catalog.ts';
import type { Conversation, ConversationTurn } from '../../domain/models/conversation.ts';
import { applyTemplate } from '../../domain/models/prompt-templates.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import type { ModelFailureCode } from '../../ports/text-model.ts';
import type { AskDeps } from './deps.ts';
import { checkPrompt, resolveModel, resolveTemplate } from './resolve.ts';
import {
  type AnswerRequest,
  type Attempt,
  addSpends,
  budgetFor,
  type ModelAnswer,
  type ModelFailure,
  NO_SPEND,
  type Spend,
  spendOf,
  streamAnswer,
} from './stream-answer.ts';

/** Failures where another model may well succeed; the others (bad request, no credentials, cancel) stop the chain. */
const FALLBACK_CODES: ReadonlySet<string> = new Set<ModelFailureCode>([
  'model.throttled',
  'model.quota_exceeded',
  'model.not_ready',
  'model.bad_model_id',
  'model.access_denied',
  'model.not_found',
  'model.timeout',
  'model.stream_failed',
  'model.unavailable',
  'model.context_exceeded',
]);

export interface AskProgress {
  /** The model answering now. */
  readonly model: ModelInfo;
  /** Its answer so far ('' until the first token, and again after a switch to the next model). */
  readonly text: string;
  /** Models that failed before it, and why. */
  readonly failed: readonly ModelFailure[];
}

export interface AskInput {
  readonly prompt: string;
  /** Our model key; the catalog default when absent (or the conversation's model when continuing). */
  readonly model?: string;
  readonly template?: string;
  /** Extra system text after the template's (the knowledge base's passages for `kb:on`). */
  readonly context?: string;
  /** Continue this stored conversation: its history, model and template system prompt. */
  readonly continuing?: Conversation;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: AskProgress) => void;
  /**
   * Each call's cost as soon as it is known, failed ones included (estimated when unreported): what usage records
   * and budgets add up, whether or not the question ends with an answer.
   */
  readonly onSpend?: (model: ModelInfo, spend: Spend) => void;
}

export interface AskAnswer extends ModelAnswer {
  /** Models tried before the one that answered, with why they did not. */
  readonly failed: readonly ModelFailure[];
  readonly templateName?: string;
  /** The conversation including this exchange, ready to remember under a thread key. */
  readonly turns: readonly ConversationTurn[];
  /** Everything this question cost: the answer and every failed attempt before it. */
  readonly spent: Spend;
}

/** /ask: checks input and budget, streams the answer, falls back along the configured chain. */
export async function ask(deps: AskDeps, input: AskInput): Promise<Result<AskAnswer, AppError>> {
  const prompt = checkPrompt(input.prompt);
  if (!prompt.ok) return prompt;
  const first = resolveModel(deps.catalog, input.model ?? input.continuing?.modelId);
  if (!first.ok) return first;
  const template = resolveTemplate(deps.templates, input.template ?? input.continuing?.templateName);
  if (!template.ok) return template;
  const history = input.continuing?.turns ?? [];
  // The wrapper shapes the opening question only; follow-ups in the thread go in as typed.
  const userText = template.value && !input.continuing ? applyTemplate(template.value, prompt.value) : prompt.value;
  const system = [template.value?.system, input.context]
    .filter((part) => part !== undefined && part !== '')
    .join('\n\n');
  const request: AnswerRequest = { history, userText, ...(system === '' ? {} : { system }) };

  const askedAt = deps.clock();
  const failed: ModelFailure[] = [];
  const answered = (attempt: ModelAnswer): Result<AskAnswer, AppError> => {
    const turns: ConversationTurn[] = [
      ...history,
      { role: 'user', text: userText },
      { role: 'assistant', text: attempt.text },
    ];
    const spent = addSpends([...failed.map(spendOf), spendOf(attempt)]);
    return ok({ ...attempt, failed, turns, spent, ...(template.value ? { templateName: template.value.name } : {}) });
  };
  const record = (attempt: Attempt) => {
    const spend = spendOf(attempt);
    if (spend !== NO_SPEND && (spend.usage.inputTokens > 0 || spend.usage.outputTokens > 0))
      input.onSpend?.(attempt.model, spend);
  };
  for (const model of chainFrom(first.value, deps.catalog.fallbackChain)) {
    if (input.signal?.aborted) break;
    const budget = await budgetFor(deps, model, request, input.signal);
    if (!budget.ok) {
      // The user's own choice is refused with the numbers; a fallback model that is too small is just skipped.
      if (model === first.value) return budget;
      failed.push({
        ok: false,
        model,
        code: 'ask.prompt_too_long',
        message: budget.error.message,
        partialText: '',
        spend: NO_SPEND,
      });
      continue;
    }
    const failedSoFar = [...failed];
    input.onProgress?.({ model, text: '', failed: failedSoFar });
    const onText =
      input.onProgress && ((_delta: string, text: string) => input.onProgress?.({ model, text, failed: failedSoFar }));
    const attempt = await streamAnswer(deps, model, budget.value, onText, input.signal);
    record(attempt);
    if (attempt.ok) return answered(attempt);
    const stops = !FALLBACK_CODES.has(attempt.code) || input.signal?.aborted === true;
    // Words already streamed are never thrown away: when nothing comes after them, they are the answer, marked cut.
    if (stops && attempt.partialText !== '') {
      return answered(cutAnswer(attempt, budget.value.droppedTurns, deps.clock() - askedAt));
    }
    failed.push(attempt);
    if (stops) return err(appError(attempt.code, attempt.message, hintFor(attempt.code)));
  }
  const lastWithText = failed.findLastIndex((f) => f.partialText !== '');
  const [kept] = lastWithText < 0 ? [] : failed.splice(lastWithText, 1);
  if (kept) return answered(cutAnswer(kept, 0, deps.clock() - askedAt));
  if (input.signal?.aborted) return err(appError('model.aborted', 'The question was cancelled.'));
  return err(allFailed(failed));
}

/** A failed attempt's streamed text as the answer, saying where and why it stopped. */
function cutAnswer(failure: ModelFailure, droppedTurns: number, latencyMs: number): ModelAnswer {
  return {
    ok: true,
    model: failure.model,
    text: failure.partialText,
    usage: failure.spend.usage,
    costUsd: failure.spend.costUsd,
    usageEstimated: failure.spend.estimated,
    latencyMs: Math.max(0, latencyMs),
    stopReason: 'other',
    droppedTurns,
    reasoningChars: 0,
    cut: {
      code: failure.code === 'ask.prompt_too_long' ? 'model.context_exceeded' : failure.code,
      message: failure.message,
    },
  };
}

/** Stores the exchange so a follow-up in the answer's thread continues it. */
export async function rememberAnswer(deps: AskDeps, key: string, answer: AskAnswer): Promise<void> {
  await deps.conversations.put({
    key,
    modelId: answer.model.id,
    turns: answer.turns,
    updatedAt: deps.now().toISOString(),
    ...(answer.templateName === undefined ? {} : { templateName: answer.templateName }),
  });
}

/** The chosen model, then the configured chain without repeats. */
function chainFrom(first: ModelInfo, chain: readonly ModelInfo[]): ModelInfo[] {
  const seen = new Set<string>([first.id]);
  const out = [first];
  for (const model of chain) {
    if (seen.has(model.id)) continue;
    seen.add(model.id);
    out.push(model);
  }
  return out;
}

function allFailed(failed: readonly ModelFailure[]): AppError {
  const lines = failed.map((f) => `• ${f.model.name}: ${f.message}`).join('\n');
  const only = failed.length === 1 ? failed[0] : undefined;
  if (only?.code === 'model.access_denied') {
    return appError(
      'ask.model_not_enabled',
      `${only.model.name} is not enabled for this AWS account, and no fallback model is configured.\n${lines}`,
      hintFor(only.code),
    );
  }
  return appError(
    'ask.all_models_failed',
    `No model could answer:\n${lines}`,
    failed.every((f) => f.code === 'model.access_denied')
      ? hintFor('model.access_denied')
      : 'Try again in a minute, or pick another model.',
  );
}

function hintFor(code: string): string | undefined {
  switch (code) {
    case 'model.access_denied':
      return 'Enable model access in the Amazon Bedrock console (Model access) for this region, or pick another model.';
    case 'model.no_credentials':
      return 'Set AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and AWS_REGION, then restart the bot.';
    case 'model.invalid_request':
      return 'Rephrase the prompt or pick another model.';
    case 'model.quota_exceeded':
      return 'Pick another model, or ask staff to request a higher Bedrock quota (Service Quotas console).';
    case 'model.not_ready':
      return 'Try again in a few minutes, or pick another model.';
    case 'model.bad_model_id':
      return 'Staff: fix the model id in MODELS_FILE for this AWS_REGION (`npm run check:models` shows which work).';
    default:
      return undefined;
  }
}
