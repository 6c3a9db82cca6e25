import { type Interval, wilson } from '../../domain/bench/intervals.ts';
import { percentile } from '../../domain/bench/stats.ts';
import { costUsd, type ModelInfo } from '../../domain/models/catalog.ts';
import type { AppError } from '../../domain/result.ts';
import type { CallResult } from './call-model.ts';
import type { AdaptiveLimiter } from './limiter.ts';
import { type AccuracyFigures, accuracyFigures, type Comparison, type RowTally } from './run-stats.ts';

export type CellOutcome = 'correct' | 'wrong' | 'ungradable' | 'error' | 'cancelled';

/** One row through one model. */
export interface RunCell {
  readonly row: number;
  readonly model: string;
  /** 1-based attempt at this row (`repeat:N` asks each row N times). */
  readonly repeat: number;
  readonly prompt: string;
  readonly expected: string;
  readonly answer: Extract<CallResult, { ok: true }> | undefined;
  readonly outcome: CellOutcome;
  readonly attempts: number;
  readonly error?: string;
  /** promptfoo rows: the share of assertions passed and those that failed. */
  readonly score?: number;
  readonly failed?: readonly string[];
  readonly assertions?: readonly { readonly type: string; readonly pass: boolean }[];
  readonly description?: string;
  readonly metadata?: readonly string[];
}

/** Pass rate of one assertion type (promptfoo files), with its Wilson interval. */
export interface AssertionRate {
  readonly type: string;
  readonly passed: number;
  readonly ran: number;
  readonly ci: Interval;
}

export interface ModelSummary {
  readonly model: ModelInfo;
  readonly cells: number;
  readonly graded: number;
  readonly correct: number;
  readonly errors: number;
  readonly accuracy: number;
  /** Accuracy's 95 % interval, rows, pass^N and flaky rows (see run-stats.ts). */
  readonly figures: AccuracyFigures;
  readonly assertionRates: readonly AssertionRate[];
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  /** Latencies of real calls (cache hits excluded), for the chart. */
  readonly latenciesMs: readonly number[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly cacheHits: number;
  /** Answers reused from an earlier run of the same prompts (resume). */
  readonly reused: number;
  readonly retries: number;
  readonly throttles: number;
  /** The send rate the limiter settled at and its lowest, in requests per second; absent if never throttled. */
  readonly settledRate?: number;
  readonly lowestRate?: number;
  /** Most calls in flight at once (at most BENCH_MAX_CONCURRENCY). */
  readonly peakInFlight: number;
  /** The most frequent error, to show why a model failed. */
  readonly firstError?: string;
}

export interface RunReport {
  readonly fileName: string;
  readonly format: string;
  readonly columns: { readonly prompt: string; readonly expected: string };
  readonly grader: string;
  readonly models: readonly ModelSummary[];
  /** Every pair of models compared on the rows both graded. */
  readonly comparisons: readonly Comparison[];
  /** Attempts per row (`repeat:N`). */
  readonly repeat: number;
  /** Rows whose outcome flipped between repeats, per model (the first few, for the report). */
  readonly flaky: readonly { readonly model: string; readonly row: number; readonly description?: string }[];
  /** The promptfoo `__metadata:` keys, in the results CSV's order. */
  readonly metadataKeys: readonly string[];
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
  /** How the answers were obtained (on demand or a Bedrock batch job) and why; absent: on demand, not chosen. */
  readonly path?: RunPath;
}

/** The path a run took, for the reply: `batch` lists its jobs. */
export interface RunPath {
  readonly kind: 'on_demand' | 'batch';
  readonly reason: string;
  readonly jobs?: readonly BatchJobReport[];
}

export interface BatchJobReport {
  readonly model: string;
  readonly name: string;
  readonly id: string;
  /** Bedrock's last word on the job: Completed, PartiallyCompleted, Failed, Stopped, Expired. */
  readonly status: string;
  readonly records: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly message?: string;
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
  #reused = 0;
  #retries = 0;
  readonly #rows = new Map<number, RowTally>();
  readonly #assertions = new Map<string, { passed: number; ran: number }>();
  #firstError: string | undefined;

  constructor(model: ModelInfo, limiter: AdaptiveLimiter) {
    this.model = model;
    this.limiter = limiter;
  }

  add(cell: Pick<RunCell, 'row' | 'answer' | 'outcome' | 'attempts' | 'error' | 'assertions'>): void {
    this.cells++;
    if (cell.outcome === 'correct' || cell.outcome === 'wrong') {
      this.graded++;
      const row = this.#rows.get(cell.row) ?? { passed: 0, graded: 0 };
      row.graded++;
      if (cell.outcome === 'correct') row.passed++;
      this.#rows.set(cell.row, row);
    }
    if (cell.outcome === 'correct') this.correct++;
    for (const a of cell.assertions ?? []) {
      const rate = this.#assertions.get(a.type) ?? { passed: 0, ran: 0 };
      rate.ran++;
      if (a.pass) rate.passed++;
      this.#assertions.set(a.type, rate);
    }
    if (cell.outcome === 'error') {
      this.errors++;
      this.#firstError ??= cell.error;
    }
    this.#retries += Math.max(0, cell.attempts - 1);
    if (cell.answer?.cached) this.#cacheHits++;
    else if (cell.answer?.reused) this.#reused++;
    else if (cell.answer) this.call(cell.answer);
  }

  /** A real call's cost and latency (also used for judge calls, which are not cells). */
  call(answer: { latencyMs: number; inputTokens: number; outputTokens: number; batch?: boolean }): void {
    if (!answer.batch) this.#latencies.push(answer.latencyMs);
    this.#input += answer.inputTokens;
    this.#output += answer.outputTokens;
  }

  /** Per row: how many graded attempts passed (for intervals, repeats and paired comparisons). */
  get rowOutcomes(): ReadonlyMap<number, RowTally> {
    return this.#rows;
  }

  summary(repeat = 1): ModelSummary {
    const usage = { inputTokens: this.#input, outputTokens: this.#output };
    const figures = accuracyFigures(this.#rows, repeat);
    return {
      model: this.model,
      cells: this.cells,
      graded: this.graded,
      correct: this.correct,
      errors: this.errors,
      accuracy: figures.accuracy,
      figures,
      assertionRates: [...this.#assertions].map(([type, r]) => ({ type, ...r, ci: wilson(r.passed, r.ran) })),
      p50Ms: percentile(this.#latencies, 50),
      p95Ms: percentile(this.#latencies, 95),
      latenciesMs: this.#latencies,
      ...usage,
      costUsd: costUsd(this.model, usage),
      cacheHits: this.#cacheHits,
      reused: this.#reused,
      retries: this.#retries,
      throttles: this.limiter.throttles,
      ...(Number.isFinite(this.limiter.rate)
        ? { settledRate: this.limiter.rate, lowestRate: this.limiter.lowestRate }
        : {}),
      peakInFlight: this.limiter.peak,
      ...(this.#firstError === undefined ? {} : { firstError: this.#firstError }),
    };
  }
}
