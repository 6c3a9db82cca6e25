import { randomBytes } from 'node:crypto';
import { createBedrockBatchInference } from '../../adapters/bedrock/batch-client.ts';
import type { BenchBatch } from '../app/bench/batch-deps.ts';
import type { Env } from '../config.ts';

/** Longest wait between two status polls of a batch job. */
const MAX_POLL_MS = 5 * 60_000;

/**
 * Bedrock batch inference for large /bench runs: only with a bucket, a role and AWS credentials (offline, every run
 * is on demand).
 */
export function composeBenchBatch(env: Env, awsCredentialsConfigured: boolean): BenchBatch | undefined {
  if (!env.BENCH_BATCH_BUCKET || !env.BENCH_BATCH_ROLE_ARN || !awsCredentialsConfigured) return undefined;
  const region = env.AWS_REGION;
  const prefix =
    env.BENCH_BATCH_PREFIX === '' || env.BENCH_BATCH_PREFIX.endsWith('/')
      ? env.BENCH_BATCH_PREFIX
      : `${env.BENCH_BATCH_PREFIX}/`;
  const inference = createBedrockBatchInference({
    region,
    bucket: env.BENCH_BATCH_BUCKET,
    prefix,
    roleArn: env.BENCH_BATCH_ROLE_ARN,
    maxRecordsPerJob: env.BENCH_BATCH_MAX_RECORDS_PER_JOB,
    maxFileBytes: env.BENCH_BATCH_MAX_FILE_BYTES,
    timeoutHours: env.BENCH_BATCH_TIMEOUT_HOURS,
  });
  return {
    inference,
    minRows: env.BENCH_BATCH_MIN_ROWS,
    maxRows: env.BENCH_BATCH_MAX_ROWS,
    pollMs: env.BENCH_BATCH_POLL_MS,
    maxPollMs: Math.max(MAX_POLL_MS, env.BENCH_BATCH_POLL_MS),
    runId: () => `bench-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`,
  };
}
