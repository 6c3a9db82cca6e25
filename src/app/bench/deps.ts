import type { ModelCatalog } from '../../domain/models/catalog.ts';
import type { Result } from '../../domain/result.ts';
import type { AnswerCache } from '../../ports/answer-cache.ts';
import type { ChartRenderer } from '../../ports/chart-renderer.ts';
import type { TableSource } from '../../ports/table-source.ts';
import type { TextModel } from '../../ports/text-model.ts';
import type { BenchBatch } from './batch-deps.ts';
import type { ScoreInput, ScoreReport } from './score-file.ts';

/** The ports the bench use cases need. `textModel` and `catalog` are the same instances /ask uses. */
export interface BenchDeps {
  readonly tables: TableSource;
  readonly charts: ChartRenderer;
  readonly textModel: TextModel;
  readonly catalog: ModelCatalog;
  readonly limits: BenchLimits;
  /** Run mode keeps answers here so a cancelled or crashed run continues where it stopped; none: no resume. */
  readonly answers?: AnswerCache;
  /** Monotonic milliseconds (latency, ETA, progress pace); `performance.now` in production. */
  readonly clock: () => number;
  /** Waits between retries; aborting rejects. Tests pass a fast one. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Where score mode's CPU work runs: a worker thread in production; in-process (`scoreFile`) when absent. */
  readonly offload?: ScoreOffload;
  /** Large run-mode files go to Bedrock batch inference (BENCH_BATCH_*); absent: always on demand. */
  readonly batch?: BenchBatch;
}

/** Runs `scoreFile` elsewhere with the same contract (progress, cancellation with partial figures, result). */
export interface ScoreOffload {
  score(input: ScoreInput, hooks: BenchHooks, limits: BenchLimits): Promise<Result<ScoreReport>>;
}

export interface BenchLimits {
  /** Largest accepted upload (BENCH_MAX_BYTES). */
  readonly maxBytes: number;
  /** Most concurrent calls per model in run mode (BENCH_MAX_CONCURRENCY); AIMD moves below it. */
  readonly maxConcurrency: number;
  /** A model call slower than this is abandoned and retried (BENCH_ROW_TIMEOUT_MS). */
  readonly rowTimeoutMs: number;
  /** Run mode stops after this many rows (BENCH_MAX_RUN_ROWS): each row costs money. */
  readonly maxRunRows: number;
  /** The results CSV holds at most this many rows (BENCH_RESULT_ROWS); the summary still counts all. */
  readonly resultRows: number;
  /** Attempts per call for throttling and transient failures (BENCH_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** First retry wait; doubles each attempt, with jitter (BENCH_BACKOFF_MS). */
  readonly backoffMs: number;
  /** Least time between two progress updates. */
  readonly progressIntervalMs: number;
}

export const defaultBenchLimits: BenchLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxConcurrency: 4,
  rowTimeoutMs: 60_000,
  maxRunRows: 1000,
  resultRows: 50_000,
  maxAttempts: 8,
  backoffMs: 1000,
  progressIntervalMs: 1000,
};

/** Progress of a running bench, for the progress message. `fraction` is undefined when the size is unknown. */
export interface BenchProgress {
  readonly rowsDone: number;
  readonly fraction: number | undefined;
  readonly etaMs: number | undefined;
  readonly accuracy: number;
  /** Run mode: calls in flight and the current concurrency limit per model. */
  readonly detail?: string;
  /** Nothing is graded yet (a batch job is running): no running accuracy to show. */
  readonly ungraded?: boolean;
}

export interface BenchHooks {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: BenchProgress) => void;
}
