import { describe, expect, it } from 'vitest';
import { WorkerBench } from '../../../adapters/workers/worker-bench.ts';
import type { BenchProgress } from '../../../src/app/bench/deps.ts';
import { runScore, scoreFile } from '../../../src/app/bench/score-file.ts';
import type { FileSource } from '../../../src/ports/file-source.ts';
import {
  benchDeps,
  fileAt,
  fileOf,
  fixture,
  neverAborted,
  sst2WithPredictions,
} from '../../app/bench/bench-support.ts';

const workers = new WorkerBench({ maxWorkers: 1 });
const hooks = { signal: neverAborted, onProgress: () => {} };

describe('WorkerBench: score mode on a worker thread', () => {
  it('gives exactly what scoreFile gives in-process (the real SST-2 file, a label mapping)', async () => {
    const input = { normalize: true, labels: 'pos=1,neg=0' };
    const here = await scoreFile(benchDeps(), { ...input, file: sst2WithPredictions().file }, hooks);
    const there = await runScore(
      benchDeps({ offload: workers }),
      { ...input, file: sst2WithPredictions().file },
      hooks,
    );
    if (!here.ok || !there.ok) throw new Error('both should score');
    expect(there.value.metrics).toEqual(here.value.metrics);
    expect(there.value.resultsCsv).toEqual(here.value.resultsCsv);
    expect(there.value.format).toBe('CSV (tab, UTF-8)');
  });

  it('pairs two files, and returns the same errors as values', async () => {
    const paired = await workers.score(
      {
        normalize: true,
        file: fileOf('p.csv', 'prediction\na\nb\n'),
        expectedFile: fileOf('e.csv', 'label\na\nc\n'),
      },
      hooks,
      benchDeps().limits,
    );
    expect(paired.ok && paired.value.metrics).toMatchObject({ total: 2, correct: 1 });
    const missing = await workers.score(
      { normalize: true, file: fileAt(fixture('missing-column.csv')) },
      hooks,
      benchDeps().limits,
    );
    expect(!missing.ok && missing.error.code).toBe('bench.missing_column');
  });

  it('reports progress and stops with partial figures when cancelled', async () => {
    const controller = new AbortController();
    const progress: BenchProgress[] = [];
    const file = fileOf('big.csv', `expected,prediction\n${'a,a\nb,a\n'.repeat(100_000)}`, 16 * 1024);
    const result = await workers.score(
      { normalize: true, file },
      {
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p);
          controller.abort();
        },
      },
      { ...benchDeps().limits, progressIntervalMs: 0 },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(progress.length).toBeGreaterThan(0);
    expect(result.value.stopped?.code).toBe('bench.cancelled');
    expect(result.value.metrics.total).toBeLessThan(200_000);
  });

  it('reads chunks that are views into memory their producer keeps (Buffer pool), leaving that memory intact', async () => {
    const lines = ['expected,prediction\n', ...Array.from({ length: 200 }, (_, i) => (i % 4 ? 'a,a\n' : 'b,a\n'))];
    // Small Buffer.from chunks share Node's pool: transferring their ArrayBuffer would fail or detach others' data.
    const chunks = lines.map((line) => Buffer.from(line));
    const pooled: FileSource = {
      name: 'pooled.csv',
      size: lines.join('').length,
      async *open() {
        yield* chunks;
      },
    };
    const result = await workers.score({ normalize: true, file: pooled }, hooks, benchDeps().limits);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.metrics).toMatchObject({ total: 200, correct: 150 });
    expect(chunks.map((c) => c.toString()).join('')).toBe(lines.join(''));
  });

  it('computes the intervals on the worker, as scoreFile does in-process', async () => {
    const file = () => fileOf('ci.csv', `expected,prediction\n${'a,a\nb,b\nb,a\n'.repeat(50)}`);
    const here = await scoreFile(benchDeps(), { normalize: true, file: file() }, hooks);
    const there = await workers.score({ normalize: true, file: file() }, hooks, benchDeps().limits);
    if (!here.ok || !there.ok) throw new Error('both should score');
    expect(there.value.intervals).toEqual(here.value.intervals);
    expect(there.value.intervals.macroF1?.low).toBeLessThan(there.value.metrics.macroF1 ?? 0);
  });

  it('turns a failed download into bench.read_failed', async () => {
    const broken: FileSource = {
      name: 'gone.csv',
      size: 10,
      // biome-ignore lint/correctness/useYield: a download that fails before its first byte
      async *open() {
        throw new Error('HTTP 404 from the CDN');
      },
    };
    const result = await workers.score({ normalize: true, file: broken }, hooks, benchDeps().limits);
    expect(!result.ok && result.error).toMatchObject({
      code: 'bench.read_failed',
      message: expect.stringContaining('HTTP 404'),
    });
  });

  it('draws a chart there too', async () => {
    const png = await workers.render({
      kind: 'score',
      title: 'chart',
      matrix: {
        labels: ['a', 'b'],
        counts: [
          [1, 0],
          [0, 1],
        ],
      },
      classes: [
        { label: 'a', precision: 1, recall: 1, f1: 1 },
        { label: 'b', precision: 1, recall: 1, f1: 1 },
      ],
    });
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
