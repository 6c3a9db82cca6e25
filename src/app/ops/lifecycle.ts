/**
 * The process's lifecycle as work sees it: running, then draining (no new work; what runs gets a bounded time to
 * finish), then stopped. Commands register as in flight; shutdown waits for them, and when the grace period ends
 * it aborts what is left, so a streaming answer ends as a cut answer with a note rather than a dead message.
 *
 * Invariants: after `drain()` starts, `admit()` is false for good; `drain()` resolves only when nothing is in flight
 * (or the abort bound passed too); the work aborted is exactly the work still in flight at the grace deadline.
 */
export type LifecycleStatus = 'running' | 'draining' | 'stopped';

export interface DrainOutcome {
  /** Work that finished on its own during the grace period. */
  readonly finished: number;
  /** Work still running at the deadline, aborted with a note. */
  readonly aborted: number;
  /** Work that did not even end after its abort (left behind; the process exits anyway). */
  readonly abandoned: number;
}

/** Waits `ms` or until the signal aborts (whichever first), never rejecting. Injected so tests drive time. */
export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export const realWait: Wait = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export const SHUTDOWN_REASON = 'shutdown';

export class Lifecycle {
  #status: LifecycleStatus = 'running';
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #shutdown = new AbortController();
  readonly #wait: Wait;
  readonly #onDrain = new Set<() => void>();
  #finished = 0;

  constructor(options: { readonly wait?: Wait } = {}) {
    this.#wait = options.wait ?? realWait;
  }

  get status(): LifecycleStatus {
    return this.#status;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Aborted when the grace period ends: work still running then stops (it reads as a shutdown). */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
  }

  /** Whether new work may start. */
  admit(): boolean {
    return this.#status === 'running';
  }

  /**
   * Runs `work` as in flight, with a signal that aborts when the caller's does or at the grace deadline. Call only
   * after `admit()` said yes (work that races the start of a drain is still tracked, and still bounded).
   */
  track<T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const combined = AbortSignal.any([signal, this.#shutdown.signal]);
    const running = work(combined);
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => {
      this.#inFlight.delete(settled);
      if (!this.#shutdown.signal.aborted) this.#finished += 1;
    });
    return running;
  }

  /**
   * Called once when draining starts, for long-lived work that is not a request (a voice session says goodbye and
   * leaves). Returns the unsubscribe for work that ended on its own.
   */
  onDrain(listener: () => void): () => void {
    if (this.#status !== 'running') {
      listener();
      return () => {};
    }
    this.#onDrain.add(listener);
    return () => this.#onDrain.delete(listener);
  }

  /** Stops admitting work, waits up to `graceMs` for what runs, aborts the rest and waits up to `abortMs` for it. */
  async drain(graceMs: number, abortMs = 5_000): Promise<DrainOutcome> {
    if (this.#status === 'running') {
      this.#status = 'draining';
      for (const listener of this.#onDrain) listener();
      this.#onDrain.clear();
    }
    const before = this.#finished;
    await this.#settleWithin(graceMs);
    const finished = this.#finished - before;
    const aborted = this.#inFlight.size;
    if (aborted > 0) {
      this.#shutdown.abort(SHUTDOWN_REASON);
      await this.#settleWithin(abortMs);
    }
    const abandoned = this.#inFlight.size;
    this.#status = 'stopped';
    return { finished, aborted, abandoned };
  }

  async #settleWithin(ms: number): Promise<void> {
    if (this.#inFlight.size === 0) return;
    const deadline = new AbortController();
    const timedOut = this.#wait(ms, deadline.signal).then(() => 'timeout' as const);
    while (this.#inFlight.size > 0) {
      const next = await Promise.race([Promise.race(this.#inFlight).then(() => 'settled' as const), timedOut]);
      if (next === 'timeout') break;
      // Let the settled promise's bookkeeping (deletion from the set) run before looking again.
      await Promise.resolve();
    }
    deadline.abort();
  }
}
