import type { BatchInference } from '../../ports/batch-inference.ts';

/** What /bench needs to send a large run to Bedrock batch inference (composed when BENCH_BATCH_* are set). */
export interface BenchBatch {
  readonly inference: BatchInference;
  /** Runs with at least this many rows go to a batch job (BENCH_BATCH_MIN_ROWS; Bedrock's minimum is 100 records). */
  readonly minRows: number;
  /** A batch run stops reading after this many rows (BENCH_BATCH_MAX_ROWS), as BENCH_MAX_RUN_ROWS does on demand. */
  readonly maxRows: number;
  /** First wait between two status polls; it grows 1.5x a poll up to `maxPollMs` (BENCH_BATCH_POLL_MS). */
  readonly pollMs: number;
  readonly maxPollMs: number;
  /** A fresh id per run: names the S3 folder and the jobs (letters, digits, hyphens). */
  readonly runId: () => string;
}
