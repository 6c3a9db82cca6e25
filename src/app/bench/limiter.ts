import { AimdLimit } from '../../domain/bench/aimd.ts';

/**
 * Enforces one model's adaptive concurrency: callers `acquire` a slot (waiting while the AIMD limit is reached)
 * and `release` it; `throttled`/`succeeded` move the limit. Waiting callers are woken as slots free up.
 */
export class AdaptiveLimiter {
  readonly #aimd: AimdLimit;
  #active = 0;
  #waiters: (() => void)[] = [];
  throttles = 0;

  constructor(initial: number, max: number) {
    this.#aimd = new AimdLimit(initial, max);
  }

  get limit(): number {
    return this.#aimd.limit;
  }
  get lowest(): number {
    return this.#aimd.lowest;
  }
  get active(): number {
    return this.#active;
  }

  /** Resolves when a slot is free; rejects with the signal's reason when it aborts first. */
  async acquire(signal: AbortSignal): Promise<void> {
    while (this.#active >= this.#aimd.limit) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#waiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    signal.throwIfAborted();
    this.#active++;
  }

  release(): void {
    this.#active--;
    this.#wake();
  }

  throttled(): void {
    this.throttles++;
    this.#aimd.onThrottled();
  }

  succeeded(): void {
    this.#aimd.onSuccess();
    this.#wake();
  }

  #wake(): void {
    let free = this.#aimd.limit - this.#active;
    while (free-- > 0) {
      const next = this.#waiters.shift();
      if (!next) return;
      next();
    }
  }
}
