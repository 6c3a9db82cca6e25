import type { ModelInfo } from '../domain/models/catalog.ts';
import type { Result } from '../domain/result.ts';
import type { TextRequest } from './text-model.ts';

/**
 * Bedrock batch inference seen from /bench: write many requests as one job's input, follow the job, read what it
 * answered. Speaks our types only; the adapter owns the model's native request/response bodies, S3 and the job API.
 */
export interface BatchInference {
  /** The most records one job takes (the account's "records per batch inference job" quota). */
  readonly maxRecordsPerJob: number;
  /** The fewest records a job accepts (Bedrock: 100). */
  readonly minRecordsPerJob: number;
  /** Whether the model's native body is one this adapter writes and reads (Nova and Claude). */
  supports(model: ModelInfo): boolean;
  /**
   * Writes `records` as one JSONL input file under the run's folder and submits a job for it. Fails with
   * `batch.too_large` when the file would pass the input file size quota: split the records and try again.
   */
  start(job: BatchJobInput, signal: AbortSignal): Promise<Result<BatchJob>>;
  status(job: BatchJob, signal: AbortSignal): Promise<Result<BatchJobStatus>>;
  /** Asks the job to stop (it goes through Stopping to Stopped); the records it finished keep their output. */
  stop(job: BatchJob): Promise<Result<void>>;
  /** Each output record of a finished (or stopped) job, in the order the files hold them. */
  results(job: BatchJob, signal: AbortSignal): AsyncIterable<BatchRecordResult>;
  /** The job's `manifest.json.out` counts, when it wrote one. */
  manifest(job: BatchJob, signal: AbortSignal): Promise<Result<BatchManifest | undefined>>;
}

export interface BatchRecord {
  /** Alphanumeric, unique within the job. */
  readonly recordId: string;
  readonly request: TextRequest;
}

export interface BatchJobInput {
  /** Groups a run's input and output files (one folder per run). */
  readonly runId: string;
  /** The job's name, unique per account and region: letters, digits and hyphens. */
  readonly name: string;
  readonly model: ModelInfo;
  readonly records: readonly BatchRecord[];
}

export interface BatchJob {
  /** The job ARN Bedrock answered. */
  readonly id: string;
  readonly name: string;
  readonly runId: string;
  readonly records: number;
}

/** Bedrock's job states, lower-cased: submitted, validating, scheduled, inprogress, … */
export type BatchJobState =
  | 'submitted'
  | 'validating'
  | 'scheduled'
  | 'in_progress'
  | 'completed'
  | 'partially_completed'
  | 'failed'
  | 'stopping'
  | 'stopped'
  | 'expired';

export const FINISHED_STATES: ReadonlySet<BatchJobState> = new Set([
  'completed',
  'partially_completed',
  'failed',
  'stopped',
  'expired',
]);

export interface BatchJobStatus {
  readonly state: BatchJobState;
  /** Bedrock's word for it (`InProgress`), for the progress message. */
  readonly label: string;
  /** Why a job failed, as Bedrock says it. */
  readonly message?: string;
  readonly total?: number;
  readonly processed?: number;
  readonly succeeded?: number;
  readonly failed?: number;
}

export type BatchRecordResult =
  | {
      readonly recordId: string;
      readonly ok: true;
      readonly text: string;
      readonly inputTokens: number;
      readonly outputTokens: number;
    }
  | { readonly recordId: string; readonly ok: false; readonly code: string; readonly message: string };

export interface BatchManifest {
  readonly totalRecordCount: number;
  readonly processedRecordCount: number;
  readonly successRecordCount: number;
  readonly errorRecordCount: number;
  readonly inputTokenCount?: number | undefined;
  readonly outputTokenCount?: number | undefined;
}
