import type { PacingClock } from '../../src/voice/clock.ts';

/** Virtual monotonic time for pacing code: nothing moves until the test calls `advance`. */
export class FakeClock implements PacingClock {
  #now: number;
  #timers: { at: number; resolve: () => void }[] = [];

  constructor(start = 1_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = { at: this.#now + Math.max(0, ms), resolve };
      this.#timers.push(timer);
      signal.addEventListener(
        'abort',
        () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, firing due timers in order and letting the code they wake run before going on. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }
}

/** Lets every pending promise continuation run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
