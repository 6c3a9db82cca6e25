/** A FIFO of 16-bit samples held as the chunks they arrived in (no copying on append). */
export class SampleQueue {
  readonly #chunks: Int16Array[] = [];
  /** Read position in the first chunk. */
  #offset = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  append(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.#chunks.push(samples);
    this.#length += samples.length;
  }

  /** Moves up to `count` samples into `out` at `at` (added to what is there when `add`), returning how many. */
  take(out: Int16Array | Float32Array, at: number, count: number, add = false): number {
    let left = Math.min(count, this.#length);
    const taken = left;
    let pos = at;
    while (left > 0) {
      const chunk = this.#chunks[0] as Int16Array;
      const n = Math.min(left, chunk.length - this.#offset);
      const part = chunk.subarray(this.#offset, this.#offset + n);
      if (add) for (let i = 0; i < n; i++) out[pos + i] = (out[pos + i] as number) + (part[i] as number);
      else out.set(part, pos);
      pos += n;
      left -= n;
      this.#consume(n);
    }
    return taken;
  }

  /** Drops the oldest `count` samples. */
  drop(count: number): void {
    let left = Math.min(count, this.#length);
    while (left > 0) {
      const n = Math.min(left, (this.#chunks[0] as Int16Array).length - this.#offset);
      this.#consume(n);
      left -= n;
    }
  }

  clear(): void {
    this.#chunks.length = 0;
    this.#offset = 0;
    this.#length = 0;
  }

  #consume(n: number): void {
    this.#offset += n;
    this.#length -= n;
    if (this.#offset >= (this.#chunks[0] as Int16Array).length) {
      this.#chunks.shift();
      this.#offset = 0;
    }
  }
}
