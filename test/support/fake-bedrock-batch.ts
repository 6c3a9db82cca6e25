import { BedrockClient } from '@aws-sdk/client-bedrock';
import { type FakeAwsJson, type JsonAnswer, type JsonRequest, startFakeAwsJson } from './fake-aws-json.ts';
import type { FakeS3 } from './fake-s3.ts';

/** What the fake "model" answers for one record's prompt: text and tokens, or a record-level error. */
export type FakeBatchAnswer =
  | { readonly text: string; readonly inputTokens?: number; readonly outputTokens?: number }
  | { readonly errorCode: number; readonly errorMessage: string };

export interface FakeBatchOptions {
  /** The answer for a prompt (the first user text of the native body), per Bedrock model id. */
  readonly answer: (prompt: string, modelId: string) => FakeBatchAnswer;
  /** Records processed per GetModelInvocationJob poll while InProgress (deterministic progress). */
  readonly recordsPerPoll?: number;
  /** A job whose name this returns a message for fails at its first poll in progress. */
  readonly failJob?: (jobName: string) => string | undefined;
  /** Jobs in Submitted/InProgress at once before CreateModelInvocationJob answers ServiceQuotaExceededException. */
  readonly maxActiveJobs?: number;
}

type JobStatus = 'Submitted' | 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

interface FakeJob {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly modelId: string;
  readonly token: string | undefined;
  readonly input: { bucket: string; key: string };
  readonly output: { bucket: string; prefix: string };
  readonly lines: string[];
  status: JobStatus;
  message?: string;
  processed: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  readonly out: string[];
  polls: number;
}

export interface FakeBedrockBatch {
  readonly endpoint: string;
  readonly requests: JsonRequest[];
  readonly jobs: ReadonlyMap<string, FakeJob>;
  client(): BedrockClient;
  close(): Promise<void>;
}

const MIN_RECORDS = 100;
const FINISHED: ReadonlySet<JobStatus> = new Set(['Completed', 'Failed', 'Stopped']);

/**
 * A loopback fake of the Bedrock control plane's batch inference API (REST-JSON over HTTP/1.1, as the real client
 * speaks it): CreateModelInvocationJob reads the input JSONL from the fake S3 and checks it as Bedrock does
 * (at least 100 records, JSON lines with recordId and modelInput); each GetModelInvocationJob moves the job one step
 * (Submitted → InProgress, `recordsPerPoll` records a poll → Completed or Failed) and reports record counts;
 * StopModelInvocationJob goes through Stopping to Stopped. A finished job writes `<input>.jsonl.out` (records in
 * input order, `error` in place of `modelOutput` for failed ones) and `manifest.json.out` into the fake S3.
 */
export async function startFakeBedrockBatch(s3: FakeS3, options: FakeBatchOptions): Promise<FakeBedrockBatch> {
  const jobs = new Map<string, FakeJob>();
  const perPoll = options.recordsPerPoll ?? Number.POSITIVE_INFINITY;
  const handle = (request: JsonRequest): JsonAnswer => {
    const path = decodeURIComponent(request.path.split('?')[0] ?? '');
    if (request.method === 'POST' && path === '/model-invocation-job') return create(request.body);
    const match = /^\/model-invocation-job\/(.+?)(\/stop)?$/.exec(path);
    const job = match ? (jobs.get(match[1] ?? '') ?? [...jobs.values()].find((j) => j.id === match[1])) : undefined;
    if (!match || !job) return { status: 404, errorType: 'ResourceNotFoundException', message: `no job ${path}` };
    if (request.method === 'POST' && match[2]) {
      if (FINISHED.has(job.status)) {
        return { status: 400, errorType: 'ValidationException', message: `job is ${job.status}` };
      }
      job.status = 'Stopping';
      return { body: {} };
    }
    advance(job);
    return { body: describe(job) };
  };

  const create = (body: Record<string, unknown>): JsonAnswer => {
    const b = body as {
      jobName?: string;
      roleArn?: string;
      modelId?: string;
      clientRequestToken?: string;
      inputDataConfig?: { s3InputDataConfig?: { s3Uri?: string } };
      outputDataConfig?: { s3OutputDataConfig?: { s3Uri?: string } };
    };
    const existing = [...jobs.values()].find((j) => j.token !== undefined && j.token === b.clientRequestToken);
    if (existing) return { body: { jobArn: existing.arn } };
    const input = parseS3Uri(b.inputDataConfig?.s3InputDataConfig?.s3Uri);
    const output = parseS3Uri(b.outputDataConfig?.s3OutputDataConfig?.s3Uri);
    if (!b.jobName || !b.roleArn || !b.modelId || !input || !output) {
      return {
        status: 400,
        errorType: 'ValidationException',
        message: 'jobName, roleArn, modelId, input and output are required',
      };
    }
    const active = [...jobs.values()].filter((j) => !FINISHED.has(j.status)).length;
    if (options.maxActiveJobs !== undefined && active >= options.maxActiveJobs) {
      return { status: 400, errorType: 'ServiceQuotaExceededException', message: 'too many jobs in progress' };
    }
    const raw = s3.objects.get(`${input.bucket}/${input.key}`);
    if (!raw) return { status: 400, errorType: 'ValidationException', message: `no input at ${input.key}` };
    const lines = raw
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines.length < MIN_RECORDS) {
      return { status: 400, errorType: 'ValidationException', message: `at least ${MIN_RECORDS} records are needed` };
    }
    const id = `job${jobs.size + 1}x${b.jobName.length}`;
    const arn = `arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/${id}`;
    jobs.set(arn, {
      arn,
      id,
      name: b.jobName,
      modelId: b.modelId,
      token: b.clientRequestToken,
      input,
      output: { bucket: output.bucket, prefix: output.key },
      lines,
      status: 'Submitted',
      processed: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      out: [],
      polls: 0,
    });
    return { body: { jobArn: arn } };
  };

  const advance = (job: FakeJob): void => {
    job.polls++;
    if (job.status === 'Submitted') {
      job.status = 'InProgress';
      return;
    }
    if (job.status === 'Stopping') {
      job.status = 'Stopped';
      finish(job);
      return;
    }
    if (job.status !== 'InProgress') return;
    const failure = options.failJob?.(job.name);
    if (failure) {
      job.status = 'Failed';
      job.message = failure;
      return;
    }
    const end = Math.min(job.lines.length, job.processed + perPoll);
    for (; job.processed < end; job.processed++) job.out.push(run(job, job.lines[job.processed] ?? ''));
    if (job.processed === job.lines.length) {
      job.status = 'Completed';
      finish(job);
    }
  };

  const run = (job: FakeJob, line: string): string => {
    const record = JSON.parse(line) as { recordId: string; modelInput: Record<string, unknown> };
    const claude = 'anthropic_version' in record.modelInput;
    const answer = options.answer(promptOf(record.modelInput), job.modelId);
    if ('errorCode' in answer) {
      job.errors++;
      return JSON.stringify({ ...record, error: answer });
    }
    const inputTokens = answer.inputTokens ?? 10;
    const outputTokens = answer.outputTokens ?? 2;
    job.inputTokens += inputTokens;
    job.outputTokens += outputTokens;
    const modelOutput = claude
      ? {
          id: `msg_${record.recordId}`,
          type: 'message',
          role: 'assistant',
          content: [{ type: 'text', text: answer.text }],
          stop_reason: 'end_turn',
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        }
      : {
          output: { message: { role: 'assistant', content: [{ text: answer.text }] } },
          stopReason: 'end_turn',
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        };
    return JSON.stringify({ ...record, modelOutput });
  };

  const finish = (job: FakeJob): void => {
    const folder = `${job.output.bucket}/${job.output.prefix.replace(/\/?$/, '/')}${job.id}/`;
    const file = job.input.key.slice(job.input.key.lastIndexOf('/') + 1);
    s3.objects.set(`${folder}${file}.out`, Buffer.from(job.out.map((l) => `${l}\n`).join('')));
    const manifest = {
      totalRecordCount: job.lines.length,
      processedRecordCount: job.processed,
      successRecordCount: job.processed - job.errors,
      errorRecordCount: job.errors,
      inputTokenCount: job.inputTokens,
      outputTokenCount: job.outputTokens,
    };
    s3.objects.set(`${folder}manifest.json.out`, Buffer.from(JSON.stringify(manifest)));
  };

  const fake: FakeAwsJson = await startFakeAwsJson('http1', handle);
  return {
    endpoint: fake.endpoint,
    requests: fake.requests,
    jobs,
    client: () =>
      new BedrockClient({
        endpoint: fake.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
    close: fake.close,
  };
}

function describe(job: FakeJob): Record<string, unknown> {
  return {
    jobArn: job.arn,
    jobName: job.name,
    modelId: job.modelId,
    roleArn: 'arn:aws:iam::123456789012:role/bench-batch',
    status: job.status,
    ...(job.message ? { message: job.message } : {}),
    submitTime: '2026-12-04T08:00:00Z',
    inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${job.input.bucket}/${job.input.key}` } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${job.output.bucket}/${job.output.prefix}` } },
    totalRecordCount: job.lines.length,
    processedRecordCount: job.processed,
    successRecordCount: job.processed - job.errors,
    errorRecordCount: job.errors,
  };
}

function parseS3Uri(uri: string | undefined): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri ?? '');
  return m ? { bucket: m[1] ?? '', key: m[2] ?? '' } : undefined;
}

/** The first user text of a Nova (`content: [{text}]`) or Claude (`content: [{type, text}]`) body. */
function promptOf(body: Record<string, unknown>): string {
  const messages = body.messages as { content: { text?: string }[] }[] | undefined;
  return messages?.[0]?.content?.[0]?.text ?? '';
}
