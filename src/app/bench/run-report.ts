import { percentile } from '../../domain/bench/stats.ts';
import { costUsd, type ModelInfo } from '../../domain/models/catalog.ts';
import type { AppError } from '../../domain/result.ts';
import type { CallResult } from './call-model.ts';
import type { AdaptiveLimiter } from './limiter.ts';

export type CellOutcome = 'correct' | 'wrong' | 'ungradable' | 'error' | 'cancelled';

/** One row through one model. */
export interface RunCell {
  readonly row: number;
  readonly model: string;
  readonly prompt: string;
  readonly expected: string;
  readonly answer: Extract<CallResult, { ok: true }> | undefined;
  readonly outcome: CellOutcome;
  readonly attempts: number;
  readonly error?: string;
}

export interface ModelSummary {
  readonly model: ModelInfo;
  readonly cells: number;
  readonly graded: number;
  readonly correct: number;
  readonly errors: number;
  readonly accuracy: number;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  /** Latencies of real calls (cache hits excluded), for the chart. */
  readonly latenciesMs: readonly number[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly cacheHits: number;
  readonly retries: number;
  readonly throttles: number;
  readonly lowestConcurrency: number;
  readonly finalConcurrency: number;
  /** The most frequent error, to show why a model failed. */
  readonly firstError?: string;
}

export interface RunReport {
  readonly fileName: string;
  readonly format: string;
  readonly columns: { readonly prompt: string; readonly expected: string };
  readonly grader: string;
  readonly models: readonly ModelSummary[];
  /** The judge model's own calls (grader judge). */
  readonly judge?: ModelSummary;
  readonly rowsRead: number;
  readonly blankRows: number;
  /** The file had more rows than BENCH_MAX_RUN_ROWS. */
  readonly capped: boolean;
  readonly stopped?: AppError;
  readonly cells: readonly RunCell[];
  readonly cellsTruncated: boolean;
  readonly elapsedMs: number;
}

/** Running figures for one model. */
export class ModelTally {
  readonly model: ModelInfo;
  readonly limiter: AdaptiveLimiter;
  cells = 0;
  graded = 0;
  correct = 0;
  errors = 0;
  #latencies: number[] = [];
  #input = 0;
  #output = 0;
  #cacheHits = 0;
  #retries = 0;
  #firstError: string | undefined;

  constructor(model: ModelInfo, limiter: AdaptiveLimiter) {
    this.model = model;
    this.limiter = limiter;
  }

  add(cell: Pick<RunCell, 'answer' | 'outcome' | 'attempts' | 'error'>): void {
    this.cells++;
    if (cell.outcome === 'correct' || cell.outcome === 'wrong') this.graded++;
    if (cell.outcome === 'correct') this.correct++;
    if (cell.outcome === 'error') {
      this.errors++;
      this.#firstError ??= cell.error;
    }
    this.#retries += Math.max(0, cell.attempts - 1);
    if (cell.answer?.cached) this.#cacheHits++;
    else if (cell.answer) this.call(cell.answer);
  }

  /** A real call's cost and latency (also used for judge calls, which are not cells). */
  call(answer: { latencyMs: number; inputTokens: number; outputTokens: number }): void {
    this.#latencies.push(answer.latencyMs);
    this.#input += answer.inputTokens;
    this.#output += answer.outputTokens;
  }

  summary(): ModelSummary {
    const usage = { inputTokens: this.#input, outputTokens: this.#output };
    return {
      model: this.model,
      cells: this.cells,
      graded: this.graded,
      correct: this.correct,
      errors: this.errors,
      accuracy: this.graded === 0 ? 0 : this.correct / this.graded,
      p50Ms: percentile(this.#latencies, 50),
      p95Ms: percentile(this.#latencies, 95),
      latenciesMs: this.#latencies,
      ...usage,
      costUsd: costUsd(this.model, usage),
      cacheHits: this.#cacheHits,
      retries: this.#retries,
      throttles: this.limiter.throttles,
      lowestConcurrency: this.limiter.lowest,
      finalConcurrency: this.limiter.limit,
      ...(this.#firstError === undefined ? {} : { firstError: this.#firstError }),
    };
  }
}
