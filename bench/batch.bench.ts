/**
 * npm run bench:batch — a large /bench run on Bedrock batch inference, against the loopback fakes.
 *
 * BENCH_ROWS rows (default 100,000) × 1 model through the real Bedrock control-plane and S3 clients: the file is
 * planned, written to the fake S3 as JSONL (split at 50,000 records per job), the fake jobs "run" (a few polls), the
 * `.jsonl.out` files are read back and the run is graded into the same report as on demand. The fakes run in this
 * process, so their CPU (JSON of every record, S3 bodies) is inside the figures: an upper bound of our cost per row.
 *
 * Prints: wall time per phase, CPU per row, bytes written to and read from S3, peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { S3Objects } from '../adapters/aws/s3-objects.ts';
import { BedrockBatchInference } from '../adapters/bedrock/batch-jobs.ts';
import { CanvasChartRenderer } from '../adapters/charts/canvas-chart-renderer.ts';
import { FileTableSource } from '../adapters/files/file-table-source.ts';
import { runBenchOnBestPath } from '../src/app/bench/batch-run.ts';
import { type BenchDeps, defaultBenchLimits } from '../src/app/bench/deps.ts';
import type { FileSource } from '../src/ports/file-source.ts';
import { startFakeBedrockBatch } from '../test/support/fake-bedrock-batch.ts';
import { startFakeS3 } from '../test/support/fake-s3.ts';
import { aCatalog, aModel } from '../test/support/models.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const nova = aModel('nova-lite', {
  bedrockId: 'us.amazon.nova-lite-v1:0',
  baseModelId: 'amazon.nova-lite-v1:0',
  price: { inputPerMTok: 0.06, outputPerMTok: 0.24 },
});

const content = new TextEncoder().encode(
  `prompt,expected\n${Array.from({ length: ROWS }, (_, i) => `What is ${i} plus one?,${i + 1}`).join('\n')}\n`,
);
const file: FileSource = {
  name: 'big.csv',
  size: content.byteLength,
  async *open() {
    for (let at = 0; at < content.byteLength; at += 64 * 1024) yield content.subarray(at, at + 64 * 1024);
  },
};

const s3 = await startFakeS3();
const bedrock = await startFakeBedrockBatch(s3, {
  answer: (prompt) => {
    const n = Number(/\d+/.exec(prompt)?.[0] ?? 0);
    return { text: String(n % 10 === 0 ? n : n + 1), inputTokens: 12, outputTokens: 2 };
  },
  recordsPerPoll: 25_000,
});
const deps: BenchDeps = {
  tables: new FileTableSource(),
  charts: new CanvasChartRenderer(),
  textModel: {
    generate: () => Promise.reject(new Error('on-demand call in a batch bench')),
    countTokens: async () => undefined,
  },
  catalog: aCatalog([nova]),
  limits: { ...defaultBenchLimits, progressIntervalMs: 0 },
  clock: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  batch: {
    inference: new BedrockBatchInference(bedrock.client(), new S3Objects(s3.client(), 'bench-bucket'), {
      prefix: 'bench-batch/',
      roleArn: 'arn:aws:iam::123456789012:role/bench-batch',
      maxRecordsPerJob: 50_000,
      maxFileBytes: 200_000_000,
      timeoutHours: 24,
    }),
    minRows: 1000,
    maxRows: 1_000_000,
    pollMs: 1,
    maxPollMs: 1,
    runId: () => 'bench1',
  },
};

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let gradingAt: number | undefined;
const result = await runBenchOnBestPath(
  deps,
  { file, models: ['nova-lite'], grader: { type: 'exact' } },
  {
    signal: new AbortController().signal,
    onProgress: (p) => {
      if (!p.ungraded && gradingAt === undefined) gradingAt = performance.now();
    },
  },
);
const t1 = performance.now();
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
if (!result.ok) throw new Error(result.error.message);
const m = result.value.models[0];
const bytes = (suffix: string) =>
  [...s3.objects].filter(([k]) => k.endsWith(suffix)).reduce((n, [, b]) => n + b.byteLength, 0);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
console.log(`bench:batch — ${ROWS.toLocaleString('en')} rows, 1 model, ${result.value.path?.jobs?.length} jobs`);
console.log(`  accuracy ${(100 * (m?.accuracy ?? 0)).toFixed(1)}% (${m?.correct}/${m?.graded}), errors ${m?.errors}`);
console.log(
  `  wall: ${((t1 - t0) / 1000).toFixed(1)} s total, of which jobs + planning ${(((gradingAt ?? t1) - t0) / 1000).toFixed(1)} s, grading ${((t1 - (gradingAt ?? t1)) / 1000).toFixed(1)} s`,
);
console.log(`  CPU per row (ours + the in-process fakes): ${((cpu.user + cpu.system) / 1000 / ROWS).toFixed(3)} ms`);
console.log(
  `  S3: ${mb(bytes('.jsonl'))} input written, ${mb(bytes('.jsonl.out'))} output read; peak RSS ${mb(peakRss)}`,
);
await bedrock.close();
await s3.close();
