import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Objects } from '../../../adapters/aws/s3-objects.ts';
import { BedrockBatchInference } from '../../../adapters/bedrock/batch-jobs.ts';
import type { BenchBatch } from '../../../src/app/bench/batch-deps.ts';
import { runBenchOnBestPath } from '../../../src/app/bench/batch-run.ts';
import type { BenchDeps, BenchProgress } from '../../../src/app/bench/deps.ts';
import { runReply } from '../../../src/app/bench/present-run.ts';
import type { RunInput } from '../../../src/app/bench/run-bench.ts';
import type { ModelSummary, RunReport } from '../../../src/app/bench/run-report.ts';
import type { Reply } from '../../../src/chat/reply.ts';
import {
  type FakeBatchOptions,
  type FakeBedrockBatch,
  startFakeBedrockBatch,
} from '../../support/fake-bedrock-batch.ts';
import { type FakeS3, startFakeS3 } from '../../support/fake-s3.ts';
import { aCatalog, aModel } from '../../support/models.ts';
import { benchDeps, fileOf, neverAborted } from './bench-support.ts';
import { ScriptedTextModel } from './scripted-text-model.ts';

const nova = aModel('nova-lite', {
  bedrockId: 'us.amazon.nova-lite-v1:0',
  baseModelId: 'amazon.nova-lite-v1:0',
  price: { inputPerMTok: 0.06, outputPerMTok: 0.24 },
});
const haiku = aModel('haiku', {
  provider: 'anthropic',
  bedrockId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  baseModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  price: { inputPerMTok: 1, outputPerMTok: 5 },
});
const catalog = aCatalog([nova, haiku]);
const keyOf = new Map([
  [nova.bedrockId, 'nova-lite'],
  [haiku.bedrockId, 'haiku'],
]);

/**
 * The one deterministic "model" both paths ask: row i's answer is right unless the model gets it wrong (nova every
 * 4th row, haiku every 3rd), and every 50th row (from 7) fails. Tokens grow with i so cost sums are not trivial.
 */
function answerFor(model: string, prompt: string): { text: string; tokens: number } | { fail: true } {
  const i = Number(prompt.slice(1));
  if (i % 50 === 7) return { fail: true };
  const wrong = model === 'nova-lite' ? i % 4 === 0 : i % 3 === 0;
  return { text: wrong ? `x${i}` : `a${i}`, tokens: 5 + (i % 11) };
}

const batchAnswer: FakeBatchOptions['answer'] = (prompt, modelId) => {
  const a = answerFor(keyOf.get(modelId) ?? '', prompt);
  return 'fail' in a
    ? { errorCode: 400, errorMessage: 'ValidationException: malformed input' }
    : { text: a.text, inputTokens: a.tokens, outputTokens: 2 };
};

const onDemandModel = () =>
  new ScriptedTextModel((call) => {
    const a = answerFor(call.model, call.prompt);
    return 'fail' in a
      ? { fail: 'model.not_found' }
      : { answer: a.text, inputTokens: a.tokens, outputTokens: 2, delayMs: 0 };
  });

const csv = (rows: number): string =>
  `prompt,expected\n${Array.from({ length: rows }, (_, i) => `q${i},a${i}`).join('\n')}\n`;

const runInput = (rows: number, models = ['nova-lite', 'haiku']): RunInput => ({
  file: fileOf('big.csv', csv(rows), 64 * 1024),
  models,
  grader: { type: 'exact' },
});

describe('/bench run mode on Bedrock batch inference (real SDK clients against loopback fakes)', () => {
  let s3: FakeS3;
  let bedrock: FakeBedrockBatch;
  let failJob: (name: string) => string | undefined = () => undefined;
  let runs = 0;
  beforeAll(async () => {
    s3 = await startFakeS3();
    bedrock = await startFakeBedrockBatch(s3, {
      answer: batchAnswer,
      recordsPerPoll: 20_000,
      failJob: (name) => failJob(name),
      maxActiveJobs: 2,
    });
  });
  afterAll(async () => {
    await bedrock.close();
    await s3.close();
  });

  const batchOf = (overrides: Partial<BenchBatch> = {}, quotas: { records?: number; bytes?: number } = {}) => ({
    inference: new BedrockBatchInference(bedrock.client(), new S3Objects(s3.client(), 'bench-bucket'), {
      prefix: 'bench-batch/',
      roleArn: 'arn:aws:iam::123456789012:role/bench-batch',
      maxRecordsPerJob: quotas.records ?? 50_000,
      maxFileBytes: quotas.bytes ?? 200_000_000,
      timeoutHours: 24,
    }),
    minRows: 100,
    maxRows: 1_000_000,
    pollMs: 1,
    maxPollMs: 2,
    runId: () => `run${++runs}`,
    ...overrides,
  });

  const depsWith = (batch?: BenchBatch): BenchDeps =>
    benchDeps({ catalog, textModel: onDemandModel(), ...(batch ? { batch } : {}) });

  const run = async (deps: BenchDeps, input: RunInput, signal = neverAborted, progress: BenchProgress[] = []) => {
    const result = await runBenchOnBestPath(deps, input, { signal, onProgress: (p) => progress.push(p) });
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.value;
  };

  /** Everything a model's figures say about quality, which both paths must agree on. */
  const quality = (m: ModelSummary | undefined) => ({
    cells: m?.cells,
    graded: m?.graded,
    correct: m?.correct,
    errors: m?.errors,
    accuracy: m?.accuracy,
    ci: m?.figures.ci,
    inputTokens: m?.inputTokens,
    outputTokens: m?.outputTokens,
    failed: m?.firstError !== undefined,
  });

  it('gives the same report as on demand for the same answers, at half the cost', async () => {
    const onDemand = await run(depsWith(), runInput(300));
    const batch = await run(depsWith(batchOf()), runInput(300));
    expect(onDemand.path).toMatchObject({ kind: 'on_demand', reason: expect.stringContaining('not set up') });
    expect(batch.path).toMatchObject({ kind: 'batch', jobs: [{ status: 'Completed' }, { status: 'Completed' }] });
    for (const i of [0, 1]) {
      expect(quality(batch.models[i])).toEqual(quality(onDemand.models[i]));
      expect(batch.models[i]?.costUsd).toBeCloseTo((onDemand.models[i]?.costUsd ?? 0) / 2, 12);
      expect(batch.models[i]?.latenciesMs).toEqual([]);
    }
    expect(batch.models[0]).toMatchObject({ cells: 300, correct: 219, errors: 6 });
    expect(batch.comparisons).toEqual(onDemand.comparisons);
    const outcomes = (r: RunReport) => r.cells.map((c) => `${c.row}:${c.model}:${c.outcome}:${c.answer?.text ?? ''}`);
    expect(outcomes(batch)).toEqual(outcomes(onDemand));
    // A failed record reads like a failed call: an error cell with the record's message.
    expect(batch.cells.find((c) => c.prompt === 'q7' && c.model === 'nova-lite')).toMatchObject({
      outcome: 'error',
      error: expect.stringContaining('model.invalid_request: batch record error (batch.record_400)'),
    });

    const [replyOnDemand, replyBatch] = await Promise.all(
      [onDemand, batch].map((r) => runReply(depsWith(), r, () => {})),
    );
    const text = (r: Reply | undefined) => JSON.stringify(r);
    expect(text(replyBatch)).toContain('Answered by Amazon Bedrock batch inference (300 rows');
    expect(text(replyOnDemand)).toContain('Asked on demand: batch inference is not set up');
    const tableRows = (r: Reply | undefined) =>
      r?.kind === 'composite' ? r.parts.flatMap((p) => (p.kind === 'table' ? p.rows.map((row) => row[1]) : [])) : [];
    expect(tableRows(replyBatch)).toEqual(tableRows(replyOnDemand));
    const csvOf = (r: Reply | undefined) =>
      r?.kind === 'composite'
        ? new TextDecoder().decode(r.files?.find((f) => f.name === 'bench-results.csv')?.data)
        : '';
    expect(csvOf(replyBatch).split('\n')).toHaveLength(csvOf(replyOnDemand).split('\n').length);
    expect(replyBatch?.kind === 'composite' && replyBatch.files?.some((f) => f.name === 'bench-chart.png')).toBe(true);
  });

  it('runs 100,000 rows through batch jobs split at the records quota, with progress, to the full report', async () => {
    const progress: BenchProgress[] = [];
    const report = await run(
      depsWith(batchOf({}, { records: 40_000 })),
      runInput(100_000, ['nova-lite']),
      neverAborted,
      progress,
    );
    const errors = 2000; // rows 7, 57, 107, …
    const wrong = Array.from({ length: 100_000 }, (_, i) => i).filter((i) => i % 4 === 0 && i % 50 !== 7).length;
    expect(report.models[0]).toMatchObject({ cells: 100_000, errors, correct: 100_000 - errors - wrong });
    expect(report.rowsRead).toBe(100_000);
    expect(report.capped).toBe(false);
    expect(report.stopped).toBeUndefined();
    expect(report.path?.jobs?.map((j) => [j.status, j.records, j.failed])).toEqual([
      ['Completed', 33_334, 667],
      ['Completed', 33_334, 667],
      ['Completed', 33_332, 666],
    ]);
    const batchProgress = progress.filter((p) => p.ungraded);
    expect(batchProgress.length).toBeGreaterThan(3);
    const details = batchProgress.map((p) => p.detail);
    expect(details[0]).toBe('Bedrock batch inference: nova-lite: 3 batch jobs InProgress/Waiting, 0 / 100,000 records');
    expect(details).toContain(
      'Bedrock batch inference: nova-lite: 3 batch jobs Completed/InProgress, 86,668 / 100,000 records',
    );
    expect(details.at(-1)).toBe(
      'Bedrock batch inference: nova-lite: 3 batch jobs Completed, 100,000 / 100,000 records',
    );
    const fractions = batchProgress.map((p) => p.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  }, 180_000);

  it('cancel stops the jobs, grades what they finished and marks the rest cancelled', async () => {
    const stop = new AbortController();
    const progress: BenchProgress[] = [];
    const report = await runBenchOnBestPath(depsWith(batchOf()), runInput(50_000, ['nova-lite']), {
      signal: stop.signal,
      onProgress: (p) => {
        progress.push(p);
        if ((p.fraction ?? 0) > 0) stop.abort();
      },
    });
    if (!report.ok) throw new Error(report.error.message);
    const r = report.value;
    expect(r.stopped?.code).toBe('bench.cancelled');
    expect(r.stopped?.message).toContain('after 20,000 of 50,000 records');
    expect(r.path?.jobs?.[0]?.status).toBe('Stopped');
    const job = [...bedrock.jobs.values()].at(-1);
    expect(
      bedrock.requests.some((q) => q.method === 'POST' && q.path.endsWith('/stop') && q.path.includes(job?.id ?? '?')),
    ).toBe(true);
    expect(r.cells.filter((c) => c.outcome === 'cancelled')).toHaveLength(30_000);
    expect(r.models[0]?.graded).toBe(20_000 - 400);
  }, 120_000);

  it('a failed job fails its records like failed calls; the other jobs still count', async () => {
    failJob = (name) => (name.endsWith('-2') ? 'Bedrock could not read the input: AccessDenied on the key' : undefined);
    try {
      const report = await run(depsWith(batchOf({}, { records: 200 })), runInput(400, ['nova-lite']));
      expect(report.path?.jobs?.map((j) => j.status)).toEqual(['Completed', 'Failed']);
      expect(report.models[0]).toMatchObject({ cells: 400, errors: 200 + 4 });
      expect(report.cells.find((c) => c.row === 300)?.error).toContain('the batch job Failed: Bedrock could not read');
      const reply = JSON.stringify(await runReply(depsWith(), report, () => {}));
      expect(reply).toContain('AccessDenied on the key');
    } finally {
      failJob = () => undefined;
    }
  });

  it('splits a job whose file passes the size quota, and waits for the job quota', async () => {
    const creates = () =>
      bedrock.requests.filter((q) => q.method === 'POST' && q.path === '/model-invocation-job').length;
    const before = creates();
    const report = await run(depsWith(batchOf({}, { bytes: 20_000 })), runInput(400, ['nova-lite']));
    const jobs = report.path?.jobs ?? [];
    // 400 records (~60 KB) halved twice to fit 20 KB: four jobs of 100, each at Bedrock's minimum.
    expect(jobs.map((j) => [j.status, j.records])).toEqual([
      ['Completed', 100],
      ['Completed', 100],
      ['Completed', 100],
      ['Completed', 100],
    ]);
    expect(report.models[0]).toMatchObject({ cells: 400, errors: 8 });
    // The fake allows 2 active jobs: later submissions were refused (ServiceQuotaExceededException) and retried.
    expect(creates() - before).toBeGreaterThan(4);
  });

  it('resumes: answers kept from an earlier run are not sent again, and batch answers are kept in turn', async () => {
    const kept = new Map<string, { text: string; inputTokens: number; outputTokens: number; latencyMs: number }>();
    const answers = {
      get: async (k: string) => kept.get(k),
      put: async (k: string, a: typeof kept extends Map<string, infer V> ? V : never) => void kept.set(k, a),
    };
    const deps = (batch?: BenchBatch) => ({ ...depsWith(batch), answers });
    const first = await run(deps(), runInput(150, ['nova-lite']));
    expect(first.path?.kind).toBe('on_demand');
    expect(kept.size).toBe(147); // three rows failed and are not kept
    const second = await run(deps(batchOf()), runInput(400, ['nova-lite']));
    expect(second.path?.jobs?.map((j) => j.records)).toEqual([253]);
    expect(second.models[0]).toMatchObject({ cells: 400, reused: 147, errors: 8 });
    expect(kept.size).toBe(392);
    const third = await run(deps(batchOf()), runInput(400, ['nova-lite']));
    expect(third.path?.kind).toBe('on_demand');
    expect(third.path?.reason).toContain('only 8 distinct prompts are left');
  });

  it('stays on demand below BENCH_BATCH_MIN_ROWS, for the judge grader, and says why', async () => {
    const small = await run(depsWith(batchOf({ minRows: 500 })), runInput(300, ['nova-lite']));
    expect(small.path).toEqual({
      kind: 'on_demand',
      reason: '300 rows, under the 500 that go to a batch job (BENCH_BATCH_MIN_ROWS).',
    });
    expect(small.models[0]?.latenciesMs.length).toBeGreaterThan(0);
    const judged = await run(depsWith(batchOf()), { ...runInput(150, ['nova-lite']), grader: { type: 'judge' } });
    expect(judged.path?.reason).toContain('judge grader');
  });

  it('a first submission S3 refuses fails the run with what to fix', async () => {
    s3.failNext((method) => method === 'PUT', 'AccessDenied', 403);
    const result = await runBenchOnBestPath(depsWith(batchOf()), runInput(150, ['nova-lite']), {
      signal: neverAborted,
      onProgress: () => {},
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'batch.access_denied', hint: expect.stringContaining('bedrock.amazonaws.com') },
    });
  });
});
