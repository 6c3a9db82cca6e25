import type { ModelCatalog } from '../../domain/models/catalog.ts';
import type { Metrics } from '../../ports/metrics.ts';
import type { GenerateOptions, TextModel, TextOutcome, TextRequest } from '../../ports/text-model.ts';
import { spendOfOutcome, tokensOf } from '../budgets/call-spend.ts';

/**
 * Records every text model call (/ask, /bench, the order assistant, the cascade voice, the knowledge chain) with its
 * tokens and cost at catalog prices: the one place all model traffic passes, so no caller can forget.
 */
export class MeteredTextModel implements TextModel {
  readonly #inner: TextModel;
  readonly #catalog: ModelCatalog;
  readonly #metrics: Metrics;

  constructor(inner: TextModel, catalog: ModelCatalog, metrics: Metrics) {
    this.#inner = inner;
    this.#catalog = catalog;
    this.#metrics = metrics;
  }

  async generate(request: TextRequest, options?: GenerateOptions): Promise<TextOutcome> {
    const outcome = await this.#inner.generate(request, options);
    const model = this.#catalog.get(request.model);
    if (!model) {
      this.#metrics.modelCall({ model: request.model, ok: outcome.ok, inputTokens: 0, outputTokens: 0, costUsd: 0 });
      return outcome;
    }
    const spend = spendOfOutcome(model, request, outcome);
    this.#metrics.modelCall({
      model: model.id,
      ok: outcome.ok,
      inputTokens: tokensOf(spend) - spend.usage.outputTokens,
      outputTokens: spend.usage.outputTokens,
      costUsd: spend.costUsd,
    });
    return outcome;
  }

  countTokens(request: TextRequest, signal?: AbortSignal): Promise<number | undefined> {
    return this.#inner.countTokens(request, signal);
  }
}
