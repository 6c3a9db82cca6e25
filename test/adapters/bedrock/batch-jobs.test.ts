import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Objects } from '../../../adapters/aws/s3-objects.ts';
import { BedrockBatchInference } from '../../../adapters/bedrock/batch-jobs.ts';
import type { BatchJob, BatchRecord, BatchRecordResult } from '../../../src/ports/batch-inference.ts';
import { type FakeBedrockBatch, startFakeBedrockBatch } from '../../support/fake-bedrock-batch.ts';
import { type FakeS3, startFakeS3 } from '../../support/fake-s3.ts';
import { aModel } from '../../support/models.ts';

const signal = new AbortController().signal;
const nova = aModel('nova', { bedrockId: 'us.amazon.nova-lite-v1:0', baseModelId: 'amazon.nova-lite-v1:0' });
const claude = aModel('haiku', {
  provider: 'anthropic',
  bedrockId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  baseModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
});

const records = (n: number): BatchRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    recordId: `R${String(i).padStart(10, '0')}`,
    request: {
      model: nova.id,
      messages: [{ role: 'user', content: [{ type: 'text', text: `q${i}` }] }],
      maxTokens: 64,
      temperature: 0,
    },
  }));

/** The adapter through the real Bedrock and S3 clients, against the loopback fakes of both. */
describe('BedrockBatchInference over the wire', () => {
  let s3: FakeS3;
  let bedrock: FakeBedrockBatch;
  let batch: BedrockBatchInference;
  beforeAll(async () => {
    s3 = await startFakeS3();
    s3.listPageSize = 2; // every folder listing takes several pages
    bedrock = await startFakeBedrockBatch(s3, {
      answer: (prompt) =>
        prompt === 'q7' ? { errorCode: 400, errorMessage: 'bad request' } : { text: prompt.replace('q', 'a') },
      recordsPerPoll: 60,
    });
    batch = new BedrockBatchInference(bedrock.client(), new S3Objects(s3.client(), 'bench-bucket'), {
      prefix: 'runs/',
      roleArn: 'arn:aws:iam::123456789012:role/bench-batch',
      maxRecordsPerJob: 50_000,
      maxFileBytes: 200_000_000,
      timeoutHours: 24,
    });
  });
  afterAll(async () => {
    await bedrock.close();
    await s3.close();
  });

  const runToEnd = async (job: BatchJob) => {
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const status = await batch.status(job, signal);
      if (!status.ok) throw new Error(status.error.message);
      seen.push(`${status.value.label}:${status.value.processed ?? '-'}`);
      if (status.value.state === 'completed' || status.value.state === 'failed') break;
    }
    const results: BatchRecordResult[] = [];
    for await (const r of batch.results(job, signal)) results.push(r);
    return { seen, results };
  };

  it('writes Nova messages-v1 bodies, follows the job and reads answers, record errors and the manifest', async () => {
    const started = await batch.start(
      { runId: 'run1', name: 'run1-nova-1', model: nova, records: records(150) },
      signal,
    );
    if (!started.ok) throw new Error(started.error.message);
    const input = s3.objects.get('bench-bucket/runs/run1/input/run1-nova-1.jsonl')?.toString('utf8') ?? '';
    expect(JSON.parse(input.split('\n')[0] ?? '')).toEqual({
      recordId: 'R0000000000',
      modelInput: {
        schemaVersion: 'messages-v1',
        messages: [{ role: 'user', content: [{ text: 'q0' }] }],
        inferenceConfig: { maxTokens: 64, temperature: 0 },
      },
    });
    const { seen, results } = await runToEnd(started.value);
    expect(seen).toEqual(['InProgress:0', 'InProgress:60', 'InProgress:120', 'Completed:150']);
    expect(results).toHaveLength(150);
    expect(results[0]).toEqual({ recordId: 'R0000000000', ok: true, text: 'a0', inputTokens: 10, outputTokens: 2 });
    expect(results[7]).toMatchObject({ recordId: 'R0000000007', ok: false, code: 'batch.record_400' });
    const manifest = await batch.manifest(started.value, signal);
    expect(manifest).toEqual({
      ok: true,
      value: expect.objectContaining({ totalRecordCount: 150, successRecordCount: 149, errorRecordCount: 1 }),
    });
  });

  it('writes Claude Messages bodies and reads Claude output', async () => {
    const started = await batch.start(
      { runId: 'run2', name: 'run2-haiku-1', model: claude, records: records(100) },
      signal,
    );
    if (!started.ok) throw new Error(started.error.message);
    const input = s3.objects.get('bench-bucket/runs/run2/input/run2-haiku-1.jsonl')?.toString('utf8') ?? '';
    expect(JSON.parse(input.split('\n')[1] ?? '').modelInput).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 64,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q1' }] }],
      temperature: 0,
    });
    const { results } = await runToEnd(started.value);
    expect(results.filter((r) => r.ok)).toHaveLength(99);
    expect(results[1]).toMatchObject({ ok: true, text: 'a1' });
  });

  it('stops a job: Stopping, then Stopped with the records done so far', async () => {
    const started = await batch.start(
      { runId: 'run3', name: 'run3-nova-1', model: nova, records: records(200) },
      signal,
    );
    if (!started.ok) throw new Error(started.error.message);
    await batch.status(started.value, signal); // InProgress
    await batch.status(started.value, signal); // 60 done
    expect(await batch.stop(started.value)).toEqual({ ok: true, value: undefined });
    const stopping = await batch.status(started.value, signal);
    expect(stopping.ok && stopping.value.label).toBe('Stopped');
    const results: BatchRecordResult[] = [];
    for await (const r of batch.results(started.value, signal)) results.push(r);
    expect(results).toHaveLength(60);
    expect((await batch.stop(started.value)).ok).toBe(false);
  });

  it('refuses a file over the size quota, and maps S3 and job API errors to codes', async () => {
    const small = new BedrockBatchInference(bedrock.client(), new S3Objects(s3.client(), 'bench-bucket'), {
      prefix: 'runs/',
      roleArn: 'arn:aws:iam::1:role/r',
      maxRecordsPerJob: 50_000,
      maxFileBytes: 1000,
      timeoutHours: 24,
    });
    const big = await small.start({ runId: 'r4', name: 'r4-nova-1', model: nova, records: records(100) }, signal);
    expect(big).toMatchObject({ ok: false, error: { code: 'batch.too_large' } });
    const few = await batch.start({ runId: 'r5', name: 'r5-nova-1', model: nova, records: records(99) }, signal);
    expect(few).toMatchObject({ ok: false, error: { code: 'batch.invalid' } });
    s3.failNext((method) => method === 'PUT', 'AccessDenied', 403);
    const denied = await batch.start({ runId: 'r6', name: 'r6-nova-1', model: nova, records: records(100) }, signal);
    expect(denied).toMatchObject({ ok: false, error: { code: 'batch.access_denied' } });
  });
});
