/**
 * A budget of message edits shared by every answer streaming in one place: Slack limits chat.update per workspace
 * (Tier 3, about 50 a minute), Discord message edits per channel (about 5 per 5 s). A token bucket: progress edits
 * take a token, wait their turn (first come, first served) or are dropped; final renders never wait but are
 * counted, so progress slows down after them. Each platform adapter sets its own rate.
 *
 * A reserve for finals: each answer streaming in the place calls `open()` when it starts and the returned release
 * once its final has been counted (or it was closed without one). A progress edit may take a token only when, after
 * taking it, one token is left for each other open answer: with one answer open progress goes as often as the
 * bucket allows, with several the finals of all of them find room. Without `open()` calls there is no reserve.
 */
export interface EditBudgetOptions {
  /** Tokens added per minute. */
  readonly perMinute: number;
  /** Bucket size: progress edits that may go at once after a quiet spell. */
  readonly burst: number;
  /** Time and the one-shot timer behind waiting edits (tests: a manual clock). */
  readonly clock?: EditBudgetClock;
}

export interface EditBudgetClock {
  now(): number;
  /** Calls `fire` once after `ms`; the returned function cancels it. */
  after(ms: number, fire: () => void): () => void;
}

const systemClock: EditBudgetClock = {
  now: () => performance.now(),
  after: (ms, fire) => {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

// Refill arithmetic in fractions of a token must not leave a waiter one rounding error short.
const EPSILON = 1e-9;

export class EditBudget {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: EditBudgetClock;
  /** May go below zero: finals and Retry-After borrow from the future. */
  #tokens: number;
  #updatedAt: number;
  /** Insertion order is the queue. */
  readonly #waiters = new Set<() => void>();
  #cancelTimer: (() => void) | undefined;
  /** Answers streaming in this place (`open()` not yet released). */
  #open = 0;

  constructor(options: EditBudgetOptions) {
    this.#perMs = options.perMinute / 60_000;
    this.#burst = options.burst;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = this.#burst;
    this.#updatedAt = this.#clock.now();
  }

  /**
   * An answer starts streaming here: until the returned function is called (after its final was counted with
   * `spend()`, or when it is closed without one), progress edits of the other answers keep a token for its final.
   * Calling the release more than once releases once.
   */
  open(): () => void {
    this.#open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open--;
      // A smaller reserve may let a waiting edit go now.
      if (this.#waiters.size > 0) {
        this.#disarm();
        this.#arm();
      }
    };
  }

  /** Answers open in this place (tests, benches). */
  get streaming(): number {
    return this.#open;
  }

  /**
   * A progress edit may go now; false while tokens are short (keeping one per other open answer for its final) or
   * other edits are already waiting.
   */
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

  /** A final render went out without asking: it still counts against the place's minute. */
  spend(): void {
    this.#refill();
    this.#tokens -= 1;
  }

  /** The platform answered 429: no progress edit in this place before Retry-After has passed. */
  holdOff(ms: number): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 1 - ms * this.#perMs);
  }

  /** Edits waiting for a token. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Tokens a progress edit needs: its own, plus one kept for the final of each other open answer (at most the burst). */
  #needed(): number {
    return Math.max(1, Math.min(this.#burst, this.#open));
  }

  #available(): boolean {
    this.#refill();
    return this.#tokens >= this.#needed() - EPSILON;
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
    const ms = Math.max(0, Math.ceil((this.#needed() - this.#tokens) / this.#perMs));
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

/** One budget per place (a Slack team, a Discord channel), made on first use; one with nothing waiting holds no timer. */
export class EditBudgets {
  readonly #options: EditBudgetOptions;
  readonly #budgets = new Map<string, EditBudget>();

  constructor(options: EditBudgetOptions) {
    this.#options = options;
  }

  for(place: string): EditBudget {
    let budget = this.#budgets.get(place);
    if (!budget) {
      budget = new EditBudget(this.#options);
      this.#budgets.set(place, budget);
    }
    return budget;
  }
}
