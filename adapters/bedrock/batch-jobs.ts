import {
  type BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import type { ModelInfo } from '../../src/domain/models/catalog.ts';
import { type AppError, appError, err, ok, type Result } from '../../src/domain/result.ts';
import type {
  BatchInference,
  BatchJob,
  BatchJobInput,
  BatchJobState,
  BatchJobStatus,
  BatchManifest,
  BatchRecordResult,
} from '../../src/ports/batch-inference.ts';
import type { S3Objects } from '../aws/s3-objects.ts';
import { familyOf, nativeBody } from './batch-body.ts';
import { parseManifest, parseOutputLine } from './batch-output.ts';

export interface BatchJobsOptions {
  /** Folder in the bucket for runs (BENCH_BATCH_PREFIX), `bench-batch/` by default; ends with `/`. */
  readonly prefix: string;
  /** The service role Bedrock assumes to read the input and write the output (BENCH_BATCH_ROLE_ARN). */
  readonly roleArn: string;
  /** The "records per batch inference job" quota (50,000 by default for most models). */
  readonly maxRecordsPerJob: number;
  /** The "batch inference input file size" quota (200 MB by default for most models). */
  readonly maxFileBytes: number;
  /** Hours Bedrock keeps trying before the job expires (24 to 168). */
  readonly timeoutHours: number;
}

/** Bedrock's minimum records per job (the "Minimum number of records per batch inference job" quota). */
export const BEDROCK_MIN_RECORDS = 100;

const STATES: Record<string, BatchJobState> = {
  Submitted: 'submitted',
  Validating: 'validating',
  Scheduled: 'scheduled',
  InProgress: 'in_progress',
  Completed: 'completed',
  PartiallyCompleted: 'partially_completed',
  Failed: 'failed',
  Stopping: 'stopping',
  Stopped: 'stopped',
  Expired: 'expired',
};

/**
 * Batch inference on Amazon Bedrock: each job's records go to S3 as one JSONL file of native InvokeModel bodies
 * (`<prefix><run>/input/<job>.jsonl`), CreateModelInvocationJob runs it, and Bedrock writes
 * `<prefix><run>/output/<job id>/<job>.jsonl.out` and `manifest.json.out`.
 */
export class BedrockBatchInference implements BatchInference {
  readonly #control: BedrockClient;
  readonly #objects: S3Objects;
  readonly #options: BatchJobsOptions;
  readonly minRecordsPerJob = BEDROCK_MIN_RECORDS;

  constructor(control: BedrockClient, objects: S3Objects, options: BatchJobsOptions) {
    this.#control = control;
    this.#objects = objects;
    this.#options = options;
  }

  get maxRecordsPerJob(): number {
    return this.#options.maxRecordsPerJob;
  }

  supports(model: ModelInfo): boolean {
    return familyOf(model) !== undefined;
  }

  async start(job: BatchJobInput, signal: AbortSignal): Promise<Result<BatchJob>> {
    const family = familyOf(job.model);
    if (!family) {
      return err(appError('batch.unsupported_model', `${job.model.name} has no batch body here.`, 'Run it on demand.'));
    }
    const body = `${job.records
      .map((r) => JSON.stringify({ recordId: r.recordId, modelInput: nativeBody(family, r.request) }))
      .join('\n')}\n`;
    const bytes = Buffer.byteLength(body);
    if (bytes > this.#options.maxFileBytes) {
      return err(
        appError(
          'batch.too_large',
          `The input file for ${job.name} would be ${bytes.toLocaleString('en')} bytes, over the ${this.#options.maxFileBytes.toLocaleString('en')}-byte quota.`,
        ),
      );
    }
    const folder = `${this.#options.prefix}${job.runId}/`;
    try {
      await this.#objects.put(`${folder}input/${job.name}.jsonl`, body, 'application/jsonl', signal);
      const out = await this.#control.send(
        new CreateModelInvocationJobCommand({
          jobName: job.name,
          clientRequestToken: job.name,
          roleArn: this.#options.roleArn,
          modelId: job.model.bedrockId,
          inputDataConfig: {
            s3InputDataConfig: { s3Uri: this.#objects.uri(`${folder}input/${job.name}.jsonl`), s3InputFormat: 'JSONL' },
          },
          outputDataConfig: { s3OutputDataConfig: { s3Uri: this.#objects.uri(`${folder}output/`) } },
          timeoutDurationInHours: this.#options.timeoutHours,
        }),
        { abortSignal: signal },
      );
      if (!out.jobArn) return err(appError('batch.failed', `Bedrock accepted ${job.name} but gave no job ARN.`));
      return ok({ id: out.jobArn, name: job.name, runId: job.runId, records: job.records.length });
    } catch (error) {
      return err(batchFailure(error, this.#objects.bucket));
    }
  }

  async status(job: BatchJob, signal: AbortSignal): Promise<Result<BatchJobStatus>> {
    try {
      const out = await this.#control.send(new GetModelInvocationJobCommand({ jobIdentifier: job.id }), {
        abortSignal: signal,
      });
      const label = out.status ?? 'Submitted';
      const state = STATES[label];
      if (!state) return err(appError('batch.unknown_state', `Bedrock reports ${job.name} as “${label}”.`));
      return ok({
        state,
        label,
        ...(out.message ? { message: out.message } : {}),
        ...(out.totalRecordCount === undefined ? {} : { total: out.totalRecordCount }),
        ...(out.processedRecordCount === undefined ? {} : { processed: out.processedRecordCount }),
        ...(out.successRecordCount === undefined ? {} : { succeeded: out.successRecordCount }),
        ...(out.errorRecordCount === undefined ? {} : { failed: out.errorRecordCount }),
      });
    } catch (error) {
      return err(batchFailure(error, this.#objects.bucket));
    }
  }

  async stop(job: BatchJob): Promise<Result<void>> {
    try {
      await this.#control.send(new StopModelInvocationJobCommand({ jobIdentifier: job.id }));
      return ok(undefined);
    } catch (error) {
      return err(batchFailure(error, this.#objects.bucket));
    }
  }

  async *results(job: BatchJob, signal: AbortSignal): AsyncIterable<BatchRecordResult> {
    const keys = await this.#objects.list(this.#outputFolder(job), signal);
    for (const key of keys.filter((k) => k.endsWith('.jsonl.out')).sort()) {
      for await (const line of this.#objects.lines(key, signal)) yield parseOutputLine(line);
    }
  }

  async manifest(job: BatchJob, signal: AbortSignal): Promise<Result<BatchManifest | undefined>> {
    try {
      const folder = this.#outputFolder(job);
      const keys = await this.#objects.list(folder, signal);
      const key = keys.find((k) => k.endsWith('manifest.json.out'));
      return ok(key ? parseManifest(await this.#objects.text(key, signal)) : undefined);
    } catch (error) {
      return err(batchFailure(error, this.#objects.bucket));
    }
  }

  /** Bedrock writes a job's output under a folder named after the job id, the ARN's last part. */
  #outputFolder(job: BatchJob): string {
    const jobId = job.id.slice(job.id.lastIndexOf('/') + 1);
    return `${this.#options.prefix}${job.runId}/output/${jobId}/`;
  }
}

/** SDK errors of the job API and S3 as stable codes, with what an operator can do about each. */
export function batchFailure(error: unknown, bucket: string): AppError {
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
      return appError(
        'batch.access_denied',
        `Bedrock batch inference was refused: ${detail}`,
        `The bot needs bedrock:CreateModelInvocationJob/GetModelInvocationJob/StopModelInvocationJob, iam:PassRole on BENCH_BATCH_ROLE_ARN and s3:PutObject/GetObject/ListBucket on ${bucket}; the role must trust bedrock.amazonaws.com.`,
      );
    case 'NoSuchBucket':
      return appError(
        'batch.no_bucket',
        `The bucket ${bucket} does not exist.`,
        'Create it or fix BENCH_BATCH_BUCKET.',
      );
    case 'ServiceQuotaExceededException':
      return appError('batch.quota', `Too many batch jobs at once: ${detail}`);
    case 'ThrottlingException':
      return appError('batch.throttled', `Bedrock throttled the job API: ${detail}`);
    case 'ValidationException':
      return appError('batch.invalid', `Bedrock rejected the batch job: ${detail}`);
    case 'CredentialsProviderError':
      return appError('aws.no_credentials', `No AWS credentials for batch inference: ${detail}`);
    case 'AbortError':
      return appError('batch.aborted', 'Cancelled.');
    default:
      return appError('batch.failed', `Bedrock batch inference failed: ${name ? `${name}: ` : ''}${detail}`);
  }
}
