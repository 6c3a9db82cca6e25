/**
 * Timers for deadlines and flushes that are armed and cancelled on every request but rarely fire: a model call's
 * time limit, a streamed answer's pending progress. One interval serves them all, ticking every `tickMs` while any
 * is pending and stopping after `idleMs` without any, so arming one is a Set insert.
 *
 * Why not setTimeout: when the last timer of a duration is cleared, Node drops that duration's timer list and the
 * next request builds it again. Measured in bench:ask, that churn costs ~0.015-0.02 ms per timer per answer on
 * loopback (0.004 ms when the list stays alive), a tenth of what the whole bot adds per streamed answer. undici,
 * Node's own fetch, uses the same kind of low-resolution shared ticker for its connection and body timeouts.
 */
export interface CoarseTimer {
  /** Stops the timer if it has not fired; safe to call again or after it fired. */
  cancel(): void;
}

export interface CoarseTimersOptions {
  /** Resolution: a timer fires between `ms` and `ms + tickMs` after it was armed. */
  readonly tickMs?: number;
  /** How long the interval keeps ticking with nothing pending before it stops. */
  readonly idleMs?: number;
}

interface Entry extends CoarseTimer {
  readonly due: number;
  readonly fire: () => void;
}

export class CoarseTimers {
  readonly #tickMs: number;
  readonly #idleTicks: number;
  readonly #pending = new Set<Entry>();
  #interval: NodeJS.Timeout | undefined;
  #idleTicksSoFar = 0;

  constructor(options: CoarseTimersOptions = {}) {
    this.#tickMs = options.tickMs ?? 25;
    this.#idleTicks = Math.max(1, Math.ceil((options.idleMs ?? 2_000) / this.#tickMs));
  }

  /** Calls `fire` once, `ms` (up to one tick more) from now, unless cancelled first. */
  after(ms: number, fire: () => void): CoarseTimer {
    const entry: Entry = { due: performance.now() + ms, fire, cancel: () => this.#pending.delete(entry) };
    this.#pending.add(entry);
    this.#idleTicksSoFar = 0;
    if (!this.#interval) {
      // Unref'd like a background chore: pending deadlines belong to work that keeps the process alive anyway.
      this.#interval = setInterval(() => this.#tick(), this.#tickMs).unref();
    }
    return entry;
  }

  /** Timers armed and not yet fired or cancelled. */
  get pending(): number {
    return this.#pending.size;
  }

  #tick(): void {
    if (this.#pending.size === 0) {
      if (++this.#idleTicksSoFar >= this.#idleTicks) {
        clearInterval(this.#interval);
        this.#interval = undefined;
      }
      return;
    }
    const now = performance.now();
    // A snapshot: timers armed by a `fire` wait for the next tick; ones it cancels are skipped by `delete`.
    for (const entry of [...this.#pending]) {
      if (entry.due > now || !this.#pending.delete(entry)) continue;
      entry.fire();
    }
  }
}

/** The process-wide instance: one interval for every request's deadlines and flushes. */
export const coarseTimers = new CoarseTimers();
