import type { ModelCatalog } from '../../domain/models/catalog.ts';
import type { Amounts } from '../../ports/budget-store.ts';
import type { GenerateOptions, TextModel, TextOutcome, TextRequest } from '../../ports/text-model.ts';
import type { Spend } from '../ask/stream-answer.ts';
import type { Budgets, Payer } from './budgets.ts';
import { spendOfOutcome, tokensOf, worstCaseSpend } from './call-spend.ts';

/**
 * The text model as one payer's requests see it: each call holds its worst case (estimated input plus all the output
 * it may write) in the payer's budgets first, and settles with what it really cost. A call with no room is not made:
 * it ends as `budget.exceeded` with the message saying which budget and when it resets.
 */
export class BudgetedTextModel implements TextModel {
  readonly #inner: TextModel;
  readonly #budgets: Budgets;
  readonly #payer: Payer;
  readonly #catalog: ModelCatalog;

  constructor(inner: TextModel, budgets: Budgets, payer: Payer, catalog: ModelCatalog) {
    this.#inner = inner;
    this.#budgets = budgets;
    this.#payer = payer;
    this.#catalog = catalog;
  }

  async generate(request: TextRequest, options?: GenerateOptions): Promise<TextOutcome> {
    const model = this.#catalog.get(request.model);
    // A model outside the catalog has no price: the adapter refuses it anyway, so there is nothing to hold.
    if (!model) return this.#inner.generate(request, options);
    const held = await this.#budgets.hold(this.#payer, amountsOf(worstCaseSpend(model, request)));
    if (!held.ok) {
      const { message, hint } = held.error;
      return { ok: false, code: 'budget.exceeded', message: hint ? `${message}\n${hint}` : message, partialText: '' };
    }
    let outcome: TextOutcome;
    try {
      outcome = await this.#inner.generate(request, options);
    } catch (error) {
      await held.value.release();
      throw error;
    }
    await held.value.settle(amountsOf(spendOfOutcome(model, request, outcome)));
    return outcome;
  }

  countTokens(request: TextRequest, signal?: AbortSignal): Promise<number | undefined> {
    return this.#inner.countTokens(request, signal);
  }
}

export const amountsOf = (spend: Spend): Amounts => ({
  tokens: tokensOf(spend),
  costMicros: Math.ceil(spend.costUsd * 1e6),
  voiceSeconds: 0,
});
