/**
 * Coalesces rapid updates into at most one edit per `intervalMs` (platform edit limits: about 1/s per message).
 * Only the latest value is sent; `flush()` sends what is pending now and waits for edits in flight.
 */
export class ThrottledEdits<T> {
  readonly #send: (value: T) => Promise<void>;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #pending: { value: T } | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(send: (value: T) => Promise<void>, intervalMs: number, onError: (error: unknown) => void) {
    this.#send = send;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  push(value: T): void {
    if (this.#closed) return;
    this.#pending = { value };
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastSentAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sendPending();
    }, wait);
  }

  /** Drops pending updates (the final reply replaces them) and waits for an edit in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pending = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #sendPending(): void {
    const pending = this.#pending;
    if (!pending || this.#closed) return;
    this.#pending = undefined;
    this.#lastSentAt = Date.now();
    this.#inFlight = this.#inFlight.then(() => this.#send(pending.value)).catch(this.#onError);
  }
}
