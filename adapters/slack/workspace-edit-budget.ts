import { EditBudget, type EditBudgetClock, type EditBudgetOptions, EditBudgets } from '../../src/chat/edit-budget.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { SharedBuckets } from '../../src/ports/shared-state.ts';

export type { EditBudgetClock };

/**
 * Slack limits chat.update per workspace for the app (Tier 3, about 50 a minute), not per message: every answer
 * streaming in a workspace draws on one budget (the shared token bucket of src/chat/edit-budget.ts).
 */
export type WorkspaceEditBudgetOptions = Partial<EditBudgetOptions>;

/** Tokens per minute: 45, below Tier 3's ~50, so finals and other chat.update callers keep headroom. */
export const DEFAULT_EDITS_PER_MINUTE = 45;
/** Progress edits that may go at once after a quiet spell (first minute: at most 50). */
export const DEFAULT_EDIT_BURST = 5;

const withDefaults = (options: WorkspaceEditBudgetOptions): EditBudgetOptions => ({
  perMinute: DEFAULT_EDITS_PER_MINUTE,
  burst: DEFAULT_EDIT_BURST,
  ...options,
});

/**
 * With several replicas each one's budget would allow the whole workspace rate. A shared bucket (the same rate,
 * in the shared store) caps their sum: a progress edit that the local budget let through must also take a token
 * there (`admit`), and finals and 429 hold-offs are counted there too. The local budget keeps pacing and queueing
 * without a round trip per decision; the shared one only says yes or no.
 */
export interface SharedWorkspaceBudget {
  readonly buckets: SharedBuckets;
  readonly log: Logger;
}

export class WorkspaceEditBudget extends EditBudget {
  readonly #shared: (SharedWorkspaceBudget & { readonly key: string }) | undefined;
  readonly #rate: EditBudgetOptions;
  /** Counting writes to the shared bucket, one after another (fewer write conflicts, kept in order). */
  #counted: Promise<void> = Promise.resolve();

  constructor(options: WorkspaceEditBudgetOptions = {}, shared?: SharedWorkspaceBudget & { readonly key: string }) {
    const rate = withDefaults(options);
    super(rate);
    this.#rate = rate;
    this.#shared = shared;
  }

  /**
   * A progress edit the local budget granted may go out: false when the workspace's shared bucket is empty (other
   * replicas used it). Always true in one process. An unreachable store admits (the 429 path still protects).
   */
  async admit(): Promise<boolean> {
    const shared = this.#shared;
    if (!shared) return true;
    return shared.buckets.take(shared.key, this.#rate).catch((error: unknown) => {
      shared.log.warn({ err: error }, 'shared slack edit budget unreachable; editing anyway');
      return true;
    });
  }

  override spend(): void {
    super.spend();
    this.#tellShared((s) => s.buckets.spend(s.key, this.#rate));
  }

  override holdOff(ms: number): void {
    super.holdOff(ms);
    this.#tellShared((s) => s.buckets.holdOff(s.key, this.#rate, ms));
  }

  #tellShared(write: (shared: SharedWorkspaceBudget & { readonly key: string }) => Promise<void>): void {
    const shared = this.#shared;
    if (!shared) return;
    // Counting is best effort and must not delay the render that caused it.
    this.#counted = this.#counted.then(() =>
      write(shared).catch((error: unknown) =>
        shared.log.warn({ err: error }, 'shared slack edit budget update failed'),
      ),
    );
  }

  /** Resolves once every final and hold-off so far has been counted in the shared bucket (shutdown, tests). */
  counted(): Promise<void> {
    return this.#counted;
  }
}

/** One budget per workspace (team id), made on first use; shared across replicas when `shared` is given. */
export class WorkspaceEditBudgets extends EditBudgets {
  readonly #options: WorkspaceEditBudgetOptions;
  readonly #shared: SharedWorkspaceBudget | undefined;
  readonly #budgets = new Map<string, WorkspaceEditBudget>();

  constructor(options: WorkspaceEditBudgetOptions = {}, shared?: SharedWorkspaceBudget) {
    super(withDefaults(options));
    this.#options = options;
    this.#shared = shared;
  }

  override for(team: string): WorkspaceEditBudget {
    let budget = this.#budgets.get(team);
    if (!budget) {
      const shared = this.#shared && { ...this.#shared, key: `slack-edits:${team}` };
      budget = new WorkspaceEditBudget(this.#options, shared);
      this.#budgets.set(team, budget);
    }
    return budget;
  }
}
