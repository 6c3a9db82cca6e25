import { AdaptiveRate } from '../../domain/bench/adaptive-rate.ts';

/**
 * One model's pace in run mode: at most `maxInFlight` calls at once, and a send rate that adapts to the service's
 * quota (AdaptiveRate: unlimited until the first throttle, then AIMD on the rate). Callers `acquire` before a call (waiting for
 * a slot, then for their turn under the rate), `release` after it, and report `throttled`/`succeeded`.
 */
export class AdaptiveLimiter {
  readonly #rate: AdaptiveRate;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #clock: () => number;
  readonly limit: number;
  #active = 0;
  #waiters: (() => void)[] = [];
  readonly #paced: { go: () => void; abort: () => void }[] = [];
  #pacing = false;
  throttles = 0;
  /** Most calls in flight at once. */
  peak = 0;

  constructor(maxInFlight: number, clock: () => number, sleep: (ms: number, signal?: AbortSignal) => Promise<void>) {
    this.limit = Math.max(1, maxInFlight);
    this.#rate = new AdaptiveRate(clock);
    this.#sleep = sleep;
    this.#clock = clock;
  }

  get active(): number {
    return this.#active;
  }
  /** The send rate limit in requests per second (Infinity until the service throttles). */
  get rate(): number {
    return this.#rate.rate;
  }
  get lowestRate(): number {
    return this.#rate.lowest;
  }

  /**
   * Resolves when a slot is free and the rate allows a send, with the send time (pass it to `throttled`); rejects
   * with the signal's reason when it aborts.
   */
  async acquire(signal: AbortSignal): Promise<number> {
    while (this.#active >= this.limit) {
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
    this.peak = Math.max(this.peak, this.#active);
    try {
      await this.#turn(signal);
    } catch (error) {
      this.release();
      throw error;
    }
    return this.#clock();
  }

  /** Waits for this call's turn under the send rate: callers go in order; one loop paces them all. */
  #turn(signal: AbortSignal): Promise<void> {
    if (this.#paced.length === 0 && this.#rate.untilNext() === 0) {
      this.#rate.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        go: () => {
          signal.removeEventListener('abort', entry.abort);
          resolve();
        },
        abort: () => {
          this.#paced.splice(this.#paced.indexOf(entry), 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', entry.abort, { once: true });
      this.#paced.push(entry);
      void this.#pace();
    });
  }

  /** Lets queued callers go one by one at the current rate; re-reads the rate at least every 50 ms. */
  async #pace(): Promise<void> {
    if (this.#pacing) return;
    this.#pacing = true;
    try {
      while (this.#paced.length > 0) {
        const wait = this.#rate.untilNext();
        if (wait > 0) {
          await this.#sleep(Math.min(wait, 50));
          continue;
        }
        this.#rate.take();
        this.#paced.shift()?.go();
      }
    } finally {
      this.#pacing = false;
    }
  }

  release(): void {
    this.#active--;
    this.#waiters.shift()?.();
  }

  /** The call sent at `sentAt` (from `acquire`) was throttled. */
  throttled(sentAt: number): void {
    this.throttles++;
    this.#rate.throttled(sentAt);
  }

  succeeded(): void {
    this.#rate.admitted();
  }
}
