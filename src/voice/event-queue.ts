/**
 * An unbounded async queue: producers `push` without waiting, one consumer iterates. `end()` finishes the
 * iteration after the queued items; `fail()` makes the consumer throw. Used where SDK callbacks and timers
 * feed an AsyncIterable of events.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #failWaiter: ((error: unknown) => void) | undefined;
  #ended = false;
  #error: { error: unknown } | undefined;

  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.#failWaiter = undefined;
      waiter({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#waiter?.({ value: undefined, done: true });
    this.#waiter = undefined;
  }

  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = { error };
    this.#ended = true;
    this.#failWaiter?.(error);
    this.#waiter = undefined;
  }

  get ended(): boolean {
    return this.#ended;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#error) throw this.#error.error;
      if (this.#ended) return;
      const next = await new Promise<IteratorResult<T>>((resolve, reject) => {
        this.#waiter = resolve;
        this.#failWaiter = reject;
      });
      if (next.done) return;
      yield next.value;
    }
  }
}
