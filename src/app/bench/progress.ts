import type { BenchDeps, BenchProgress } from './deps.ts';

/** Calls `onProgress` at most once per `progressIntervalMs`, with a fraction and ETA when the size is known. */
export class ProgressPacer {
  readonly #deps: Pick<BenchDeps, 'clock' | 'limits'>;
  readonly #size: number;
  readonly #onProgress: (progress: BenchProgress) => void;
  readonly #started: number;
  #last: number;

  constructor(deps: Pick<BenchDeps, 'clock' | 'limits'>, size: number, onProgress: (progress: BenchProgress) => void) {
    this.#deps = deps;
    this.#size = size;
    this.#onProgress = onProgress;
    this.#started = deps.clock();
    this.#last = this.#started;
  }

  /** `done` is bytes read (score mode) or rows finished of `total` rows (run mode). */
  update(rowsDone: number, done: number, accuracy: number, detail?: string, total = this.#size): void {
    const now = this.#deps.clock();
    if (now - this.#last < this.#deps.limits.progressIntervalMs) return;
    this.#last = now;
    const fraction = total > 0 && done > 0 ? Math.min(1, done / total) : undefined;
    const etaMs = fraction ? ((now - this.#started) / fraction) * (1 - fraction) : undefined;
    this.#onProgress({ rowsDone, fraction, etaMs, accuracy, ...(detail === undefined ? {} : { detail }) });
  }
}
