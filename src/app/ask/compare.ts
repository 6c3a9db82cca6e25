import { applyTemplate } from '../../domain/models/prompt-templates.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import type { AskDeps } from './deps.ts';
import { checkPrompt, resolveModel, resolveTemplate } from './resolve.ts';
import { type AnswerRequest, type Attempt, budgetFor, NO_SPEND, streamAnswer } from './stream-answer.ts';

export const MIN_COMPARE = 2;
export const MAX_COMPARE = 4;

export interface CompareInput {
  readonly prompt: string;
  /** Our model keys, 2 to 4 distinct ones. */
  readonly models: readonly string[];
  readonly template?: string;
  readonly signal?: AbortSignal;
  /** Called as each model finishes (answered or failed). */
  readonly onProgress?: (done: readonly Attempt[], total: number) => void;
}

export interface Comparison {
  /** In the order asked; each either an answer (latency, tokens, cost) or a failure with its reason. */
  readonly attempts: readonly Attempt[];
  readonly templateName?: string;
}

/** Splits "a, b,c" into keys (the /ask `compare` option). */
export const parseModelList = (list: string): string[] =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Several models answer the same prompt concurrently; no fallback (each model speaks for itself). */
export async function compare(deps: AskDeps, input: CompareInput): Promise<Result<Comparison, AppError>> {
  const prompt = checkPrompt(input.prompt);
  if (!prompt.ok) return prompt;
  const keys = [...new Set(input.models.map((k) => k.trim().toLowerCase()))];
  if (keys.length < MIN_COMPARE || keys.length > MAX_COMPARE) {
    return err(
      appError(
        'ask.compare_count',
        `Compare takes ${MIN_COMPARE} to ${MAX_COMPARE} different models; got ${keys.length}.`,
        `List them separated by commas, e.g. \`${deps.catalog.models
          .slice(0, 2)
          .map((m) => m.id)
          .join(',')}\`.`,
      ),
    );
  }
  const models = [];
  for (const key of keys) {
    const model = resolveModel(deps.catalog, key);
    if (!model.ok) return model;
    models.push(model.value);
  }
  const template = resolveTemplate(deps.templates, input.template);
  if (!template.ok) return template;
  const request: AnswerRequest = {
    history: [],
    userText: template.value ? applyTemplate(template.value, prompt.value) : prompt.value,
    ...(template.value ? { system: template.value.system } : {}),
  };

  const done: Attempt[] = [];
  const attempts = await Promise.all(
    models.map(async (model): Promise<Attempt> => {
      const budget = await budgetFor(deps, model, request, input.signal);
      const attempt: Attempt = budget.ok
        ? await streamAnswer(deps, model, budget.value, undefined, input.signal)
        : {
            ok: false,
            model,
            code: 'ask.prompt_too_long',
            message: budget.error.message,
            partialText: '',
            spend: NO_SPEND,
          };
      done.push(attempt);
      input.onProgress?.(done, models.length);
      return attempt;
    }),
  );
  return ok({ attempts, ...(template.value ? { templateName: template.value.name } : {}) });
}
