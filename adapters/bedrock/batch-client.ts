import { BedrockClient } from '@aws-sdk/client-bedrock';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Objects } from '../aws/s3-objects.ts';
import { type BatchJobsOptions, BedrockBatchInference } from './batch-jobs.ts';

export interface BatchClientOptions extends BatchJobsOptions {
  /** AWS_REGION: the jobs, the models and the bucket must share it. */
  readonly region: string;
  readonly bucket: string;
}

/**
 * Batch inference with the control-plane client (`bedrock`, not `bedrock-runtime`) and S3, both on the default
 * credential chain with the SDK's standard retries for the job API's throttling.
 */
export function createBedrockBatchInference(options: BatchClientOptions): BedrockBatchInference {
  const { region, bucket, ...jobs } = options;
  return new BedrockBatchInference(
    new BedrockClient({ region, maxAttempts: 3, retryMode: 'standard' }),
    new S3Objects(new S3Client({ region, maxAttempts: 3 }), bucket),
    jobs,
  );
}
