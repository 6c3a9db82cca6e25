import { DynamoBudgetStore, ensureBudgetTable } from '../../adapters/aws/dynamo-budget-store.ts';
import { type Dynamo, makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../adapters/local/embedded-dynalite.ts';
import { Budgets } from '../../src/app/budgets/budgets.ts';
import type { BudgetPolicy } from '../../src/app/budgets/policy.ts';
import type { Metrics } from '../../src/ports/metrics.ts';
import type { GenerateOptions, TextModel, TextOutcome, TextRequest } from '../../src/ports/text-model.ts';

/** The budget store on in-memory embedded dynalite (the local backend; the same adapter talks to DynamoDB). */
export interface BudgetStack {
  readonly store: DynamoBudgetStore;
  budgets(policy: BudgetPolicy, now: () => Date, metrics?: Metrics): Budgets;
  close(): Promise<void>;
}

let tables = 0;

export async function startBudgetStack(): Promise<BudgetStack> {
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo();
  const clients: Dynamo = makeDynamo({ region: 'local', endpoint: dynamo.endpoint, unsignedLoopback: true });
  const table = `budgets-${++tables}`;
  await ensureBudgetTable(clients.client, table);
  const store = new DynamoBudgetStore(clients.doc, table);
  return {
    store,
    budgets: (policy, now, metrics) => new Budgets({ store, policy, now, ...(metrics ? { metrics } : {}) }),
    async close() {
      clients.client.destroy();
      await dynamo.close();
    },
  };
}

/**
 * A text model whose calls stay open until the test lets them end: each answers with `usage` (default: the
 * request's maxTokens out, 10 in), so a test can hold many calls in flight at once.
 */
export class GatedTextModel implements TextModel {
  readonly requests: TextRequest[] = [];
  #gate = Promise.withResolvers<void>();
  #arrived = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  readonly usage: ((request: TextRequest) => { inputTokens: number; outputTokens: number }) | undefined;

  constructor(usage?: (request: TextRequest) => { inputTokens: number; outputTokens: number }) {
    this.usage = usage;
  }

  open(): void {
    this.#gate.resolve();
  }

  /** Resolves once `count` calls have reached the model. */
  arrived(count: number): Promise<void> {
    if (this.#arrived >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ count, resolve });
    return promise;
  }

  async generate(request: TextRequest, options?: GenerateOptions): Promise<TextOutcome> {
    this.requests.push(request);
    this.#arrived += 1;
    for (const w of this.#waiters.filter((w) => w.count <= this.#arrived)) w.resolve();
    await this.#gate.promise;
    if (options?.signal?.aborted) return { ok: false, code: 'model.aborted', message: 'cancelled', partialText: '' };
    const usage = this.usage?.(request) ?? { inputTokens: 10, outputTokens: request.maxTokens ?? 100 };
    options?.onText?.('answer', 'answer');
    return { ok: true, text: 'answer', toolUses: [], stopReason: 'end_turn', usage };
  }

  async countTokens(): Promise<number | undefined> {
    return undefined;
  }
}
