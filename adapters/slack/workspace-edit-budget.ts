import { EditBudget, type EditBudgetClock, type EditBudgetOptions, EditBudgets } from '../../src/chat/edit-budget.ts';

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

export class WorkspaceEditBudget extends EditBudget {
  constructor(options: WorkspaceEditBudgetOptions = {}) {
    super(withDefaults(options));
  }
}

/** One budget per workspace (team id), made on first use. */
export class WorkspaceEditBudgets extends EditBudgets {
  constructor(options: WorkspaceEditBudgetOptions = {}) {
    super(withDefaults(options));
  }
}
