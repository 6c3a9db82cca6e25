import type { ModelCatalog, ModelInfo } from '../../domain/models/catalog.ts';
import type { ModelFailureCode, TextModel } from '../../ports/text-model.ts';

/** How one catalog model answered the smoke test. */
export type ModelCheck =
  | { readonly model: ModelInfo; readonly ok: true; readonly latencyMs: number; readonly outputTokens: number }
  | {
      readonly model: ModelInfo;
      readonly ok: false;
      readonly code: ModelFailureCode;
      readonly message: string;
      readonly latencyMs: number;
    };

export interface CheckModelsDeps {
  readonly textModel: TextModel;
  readonly catalog: ModelCatalog;
  readonly clock: () => number;
}

/** The prompt of the smoke test: a few tokens in, a few out (models that reason get room to do so). */
const PROMPT = 'Reply with the single word OK.';
const answerTokens = (model: ModelInfo): number => 16 + (model.reasoning ? 1_024 : 0);

/**
 * `npm run check:models`: one tiny ConverseStream per catalog model, in catalog order, one at a time (so a
 * throttled account is not made worse), saying which ids work in the configured region and why the others do not.
 */
export async function checkModels(
  deps: CheckModelsDeps,
  onResult?: (check: ModelCheck) => void,
): Promise<readonly ModelCheck[]> {
  const checks: ModelCheck[] = [];
  for (const model of deps.catalog.models) {
    const started = deps.clock();
    const outcome = await deps.textModel.generate({
      model: model.id,
      messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
      maxTokens: Math.min(answerTokens(model), model.maxOutputTokens),
    });
    const latencyMs = Math.max(0, deps.clock() - started);
    const check: ModelCheck = outcome.ok
      ? { model, ok: true, latencyMs, outputTokens: outcome.usage.outputTokens }
      : { model, ok: false, code: outcome.code, message: outcome.message, latencyMs };
    checks.push(check);
    onResult?.(check);
  }
  return checks;
}
