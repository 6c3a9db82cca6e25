/**
 * Cuts streamed text into sentences so speech can start after the first one. A sentence ends at . ! ? …
 * (or a line break) followed by white space; very long runs are cut at a comma or a space so synthesis
 * never waits for a whole paragraph.
 */
export class SentenceChunker {
  readonly #maxChars: number;
  #buffer = '';

  constructor(maxChars = 240) {
    this.#maxChars = maxChars;
  }

  /** Adds streamed text; returns the sentences it completed. */
  push(delta: string): string[] {
    this.#buffer += delta;
    const sentences: string[] = [];
    for (;;) {
      const end = this.#sentenceEnd();
      if (end < 0) break;
      const sentence = this.#buffer.slice(0, end).trim();
      this.#buffer = this.#buffer.slice(end);
      if (sentence) sentences.push(sentence);
    }
    return sentences;
  }

  /** The text left when the stream ends. */
  flush(): string | undefined {
    const rest = this.#buffer.trim();
    this.#buffer = '';
    return rest || undefined;
  }

  #sentenceEnd(): number {
    const match = /[.!?…。！？]+["')\]]*\s|\n/.exec(this.#buffer);
    if (match) return match.index + match[0].length;
    if (this.#buffer.length <= this.#maxChars) return -1;
    const window = this.#buffer.slice(0, this.#maxChars);
    const comma = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '));
    if (comma > this.#maxChars / 2) return comma + 2;
    const space = window.lastIndexOf(' ');
    return space > 0 ? space + 1 : this.#maxChars;
  }
}
