import type { InputEvent } from './protocol.ts';

export interface InputChunk {
  readonly chunk: { readonly bytes: Uint8Array };
}

const encoder = new TextEncoder();

/**
 * What we send to Nova Sonic, as the AsyncIterable the SDK pulls from (`body`). The SDK pulls only as fast as the
 * HTTP/2 stream accepts data, so this queue is where backpressure lands: control events are never dropped, and
 * when the transport falls behind by more than `maxAudio` audio chunks the oldest audio goes (stale speech is
 * worth less than current speech, and real-time pacing must go on).
 */
export class InputQueue implements AsyncIterable<InputChunk> {
  readonly #items: { readonly event: InputEvent; readonly audio: boolean }[] = [];
  readonly #maxAudio: number;
  #audioCount = 0;
  #dropped = 0;
  #wake: (() => void) | undefined;
  #ended = false;
  /** Called with each event as the SDK takes it (tests and benches watch what leaves). */
  readonly #onSent: ((event: InputEvent) => void) | undefined;

  constructor(maxAudio: number, onSent?: (event: InputEvent) => void) {
    this.#maxAudio = maxAudio;
    this.#onSent = onSent;
  }

  push(event: InputEvent): void {
    if (this.#ended) return;
    const audio = 'audioInput' in event;
    if (audio && this.#audioCount >= this.#maxAudio) {
      const oldest = this.#items.findIndex((item) => item.audio);
      this.#items.splice(oldest, 1);
      this.#audioCount--;
      this.#dropped++;
    }
    if (audio) this.#audioCount++;
    this.#items.push({ event, audio });
    this.#signal();
  }

  /** No more events: the iteration ends after what is queued (the SDK then sends END_STREAM). */
  end(): void {
    this.#ended = true;
    this.#signal();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Audio chunks dropped because the transport fell behind. */
  get dropped(): number {
    return this.#dropped;
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<InputChunk> {
    for (;;) {
      const item = this.#items.shift();
      if (item) {
        if (item.audio) this.#audioCount--;
        this.#onSent?.(item.event);
        yield { chunk: { bytes: encoder.encode(JSON.stringify({ event: item.event })) } };
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
