/** What ThrottledEdits asks before a progress edit: the shared budget of the place the message is in. */
export interface ProgressEditBudget {
  /** True when a progress edit may go now (a token was taken); false: skip this one, a newer one follows. */
  tryTake(): boolean;
}

/**
 * Coalesces rapid updates into at most one edit per `intervalMs` (platform edit limits: about 1/s per message).
 * At most one edit is in flight and one waits, always the latest value: a slow or rate-limited send never builds a
 * queue of stale edits. With a `budget` (the channel's or workspace's), an edit the budget refuses is dropped and
 * the latest value tried again an interval later. `close()` drops what waits and does not wait for the edit in
 * flight: the final answer goes out at once. The surface must apply edits of one message in the order they were
 * made (discord.js queues requests per route and sends them in order), so the older edit cannot land last.
 */
export class ThrottledEdits<T> {
  readonly #send: (value: T) => Promise<void>;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #budget: ProgressEditBudget | undefined;
  #pending: { value: T } | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #closed = false;

  constructor(
    send: (value: T) => Promise<void>,
    intervalMs: number,
    onError: (error: unknown) => void,
    budget?: ProgressEditBudget,
  ) {
    this.#send = send;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
    this.#budget = budget;
  }

  push(value: T): void {
    if (this.#closed) return;
    this.#pending = { value };
    this.#schedule();
  }

  /** Drops the waiting update (the final reply replaces it); an edit in flight finishes on its own. */
  close(): void {
    this.#closed = true;
    this.#pending = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Settles once no edit is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  /** Edits sent so far (benches and tests). */
  sent = 0;

  /** `due`: called from the timer or after an edit settled; otherwise a burst of pushes in one tick coalesces first. */
  #schedule(due = false): void {
    if (this.#closed || !this.#pending || this.#inFlight || this.#timer) return;
    const wait = this.#lastSentAt + this.#intervalMs - Date.now();
    if (wait > 0 || !due) {
      this.#timer = setTimeout(this.#fire, Math.max(0, wait));
      return;
    }
    if (this.#budget && !this.#budget.tryTake()) {
      // The place's budget is spent: this edit is skipped; the latest value gets another chance an interval later.
      this.#lastSentAt = Date.now();
      this.#timer = setTimeout(this.#fire, this.#intervalMs);
      return;
    }
    const { value } = this.#pending;
    this.#pending = undefined;
    this.#lastSentAt = Date.now();
    this.sent++;
    this.#inFlight = this.#send(value)
      .catch(this.#onError)
      .finally(() => {
        this.#inFlight = undefined;
        this.#schedule(true);
      });
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#schedule(true);
  };
}
