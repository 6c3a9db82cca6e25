/**
 * Slack limits chat.update per workspace for the app (Tier 3, about 50 a minute), not per message: every answer
 * streaming in a workspace draws on one budget. A token bucket: progress edits take a token or wait their turn
 * (first come, first served); final renders never wait but are counted, so progress slows down after them.
 */
export interface WorkspaceEditBudgetOptions {
  /** Tokens added per minute; default 45, below Tier 3's ~50, so finals and other chat.update callers keep headroom. */
  readonly perMinute?: number;
  /** Bucket size, default 5: progress edits that may go at once after a quiet spell (first minute: at most 50). */
  readonly burst?: number;
  /** Time and the one-shot timer behind waiting edits (tests: a manual clock). */
  readonly clock?: EditBudgetClock;
}

export interface EditBudgetClock {
  now(): number;
  /** Calls `fire` once after `ms`; the returned function cancels it. */
  after(ms: number, fire: () => void): () => void;
}

export const DEFAULT_EDITS_PER_MINUTE = 45;
export const DEFAULT_EDIT_BURST = 5;

const systemClock: EditBudgetClock = {
  now: () => performance.now(),
  after: (ms, fire) => {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

// Refill arithmetic in fractions of a token must not leave a waiter one rounding error short.
const EPSILON = 1e-9;

export class WorkspaceEditBudget {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: EditBudgetClock;
  /** May go below zero: finals and Retry-After borrow from the future. */
  #tokens: number;
  #updatedAt: number;
  /** Insertion order is the queue. */
  readonly #waiters = new Set<() => void>();
  #cancelTimer: (() => void) | undefined;

  constructor(options: WorkspaceEditBudgetOptions = {}) {
    this.#perMs = (options.perMinute ?? DEFAULT_EDITS_PER_MINUTE) / 60_000;
    this.#burst = options.burst ?? DEFAULT_EDIT_BURST;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = this.#burst;
    this.#updatedAt = this.#clock.now();
  }

  /** A progress edit may go now; false while tokens are short or other edits are already waiting. */
  tryTake(): boolean {
    if (this.#waiters.size > 0 || !this.#available()) return false;
    this.#tokens -= 1;
    return true;
  }

  /** `grant` runs once a token is this edit's; the returned function leaves the queue (the edit was replaced). */
  wait(grant: () => void): () => void {
    // A fresh function per wait, so one grant function queued twice stays two places in the line.
    const waiter = () => grant();
    this.#waiters.add(waiter);
    this.#arm();
    return () => {
      this.#waiters.delete(waiter);
      if (this.#waiters.size === 0) this.#disarm();
    };
  }

  /** A final render went out without asking: it still counts against the workspace's minute. */
  spend(): void {
    this.#refill();
    this.#tokens -= 1;
  }

  /** Slack answered 429: no progress edit in this workspace before Retry-After has passed. */
  holdOff(ms: number): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 1 - ms * this.#perMs);
  }

  /** Edits waiting for a token. */
  get waiting(): number {
    return this.#waiters.size;
  }

  #available(): boolean {
    this.#refill();
    return this.#tokens >= 1 - EPSILON;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
  }

  /** One timer, only while edits wait, set for when the next token is due. */
  #arm(): void {
    if (this.#cancelTimer || this.#waiters.size === 0) return;
    this.#refill();
    const ms = Math.max(0, Math.ceil((1 - this.#tokens) / this.#perMs));
    this.#cancelTimer = this.#clock.after(ms, () => {
      this.#cancelTimer = undefined;
      this.#grantWaiting();
    });
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #grantWaiting(): void {
    for (const waiter of this.#waiters) {
      if (!this.#available()) break;
      this.#tokens -= 1;
      this.#waiters.delete(waiter);
      waiter();
    }
    this.#arm();
  }
}

/** One budget per workspace (team id), made on first use; a budget with nothing waiting holds no timer. */
export class WorkspaceEditBudgets {
  readonly #options: WorkspaceEditBudgetOptions;
  readonly #budgets = new Map<string, WorkspaceEditBudget>();

  constructor(options: WorkspaceEditBudgetOptions = {}) {
    this.#options = options;
  }

  for(team: string): WorkspaceEditBudget {
    let budget = this.#budgets.get(team);
    if (!budget) {
      budget = new WorkspaceEditBudget(this.#options);
      this.#budgets.set(team, budget);
    }
    return budget;
  }
}
