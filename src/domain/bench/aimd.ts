/**
 * Additive-increase / multiplicative-decrease concurrency, as TCP and promptfoo do it: halve the limit when the
 * model says "throttled", add one after a limit's worth of successes in a row. Pure state; the caller enforces it.
 */
export class AimdLimit {
  readonly #min: number;
  readonly #max: number;
  #limit: number;
  #successes = 0;
  /** Lowest limit reached, for the report ("concurrency went down to 1 and back to 4"). */
  lowest: number;

  constructor(initial: number, max: number, min = 1) {
    this.#min = min;
    this.#max = Math.max(min, max);
    this.#limit = Math.min(this.#max, Math.max(min, initial));
    this.lowest = this.#limit;
  }

  get limit(): number {
    return this.#limit;
  }

  onThrottled(): void {
    this.#limit = Math.max(this.#min, Math.floor(this.#limit / 2));
    this.#successes = 0;
    this.lowest = Math.min(this.lowest, this.#limit);
  }

  onSuccess(): void {
    this.#successes++;
    if (this.#successes >= this.#limit && this.#limit < this.#max) {
      this.#limit++;
      this.#successes = 0;
    }
  }
}
