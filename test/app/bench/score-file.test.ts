import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchProgress } from '../../../src/app/bench/deps.ts';
import { scoreFile } from '../../../src/app/bench/score-file.ts';
import { benchDeps, fileAt, fileOf, fixture, neverAborted, sharedData, sst2WithPredictions } from './bench-support.ts';

const csvText = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('scoreFile', () => {
  it('scores the real SST-2 dev set (tab separated) with a label mapping', async () => {
    const { file, rows, flipped } = sst2WithPredictions();
    const result = await scoreFile(
      benchDeps(),
      { file, normalize: true, labels: 'pos=1,neg=0' },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    const { metrics, columns } = result.value;
    expect(columns).toEqual({ expected: 'label', prediction: 'prediction' });
    expect(metrics).toMatchObject({ total: rows, scored: rows, correct: rows - flipped, blank: 0, unmatched: 0 });
    expect(metrics.matrix?.labels).toEqual(['pos', 'neg']);
    const [pos, neg] = metrics.matrix?.counts ?? [];
    expect((pos?.[0] ?? 0) + (pos?.[1] ?? 0) + (neg?.[0] ?? 0) + (neg?.[1] ?? 0)).toBe(rows);
    expect((pos?.[1] ?? 0) + (neg?.[0] ?? 0)).toBe(flipped);
    expect(metrics.macroF1).toBeGreaterThan(0.75);
  });

  it('counts blank and unmatched rows apart from scored ones and writes every row to the results CSV', async () => {
    const result = await scoreFile(
      benchDeps(),
      { file: fileAt(fixture('basic.csv')), normalize: true, labels: 'positive,negative' },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.metrics).toMatchObject({ total: 7, scored: 5, correct: 4, blank: 1, unmatched: 1 });
    const lines = csvText(result.value.resultsCsv).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,expected,prediction,expected_label,predicted_label,outcome');
    expect(lines).toContain('5,positive,,positive,,blank');
    expect(lines).toContain('7,positive,neutral,positive,neutral,unmatched');
    expect(lines).toContain('8,positive,Positive.,positive,positive,correct');
    expect(result.value.resultsTruncated).toBe(false);
  });

  it('exact comparison (normalize off) keeps case and punctuation', async () => {
    const result = await scoreFile(
      benchDeps(),
      { file: fileAt(fixture('basic.csv')), normalize: false },
      { signal: neverAborted, onProgress: () => {} },
    );
    expect(result.ok && result.value.metrics).toMatchObject({ scored: 6, correct: 2 });
    // The exact grader wins over the normalize flag.
    const graded = await scoreFile(
      benchDeps(),
      { file: fileAt(fixture('basic.csv')), normalize: true, grader: { type: 'exact' } },
      { signal: neverAborted, onProgress: () => {} },
    );
    expect(graded.ok && graded.value.metrics).toMatchObject({ scored: 6, correct: 2 });
  });

  it('scores an XLSX sheet with a contains grader (accuracy only)', async () => {
    const result = await scoreFile(
      benchDeps(),
      { file: fileAt(fixture('two-sheets.xlsx')), normalize: true, sheet: 'Results', grader: { type: 'contains' } },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.columns).toEqual({ expected: 'Ground Truth', prediction: 'Predicted' });
    expect(result.value.metrics).toMatchObject({ total: 5, scored: 4, correct: 3, blank: 1 });
    expect(result.value.metrics.matrix).toBeUndefined();
  });

  it('escapes formula-looking cells in the results CSV', async () => {
    const file = fileOf('evil.csv', 'prediction,expected\n"=cmd|\' /C calc\'!A0",@SUM(1)\n');
    const result = await scoreFile(
      benchDeps(),
      { file, normalize: false },
      { signal: neverAborted, onProgress: () => {} },
    );
    const csv = result.ok ? csvText(result.value.resultsCsv) : '';
    expect(csv).toContain(`2,'@SUM(1),'=cmd|' /C calc'!A0`);
    expect(csv).not.toMatch(/,=cmd/);
  });

  it('caps the results CSV at resultRows but counts every row', async () => {
    const deps = benchDeps();
    const file = fileOf('many.csv', `prediction,expected\n${'a,a\n'.repeat(500)}`, 1000);
    const result = await scoreFile(
      { ...deps, limits: { ...deps.limits, resultRows: 10 } },
      { file, normalize: true },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.metrics.total).toBe(500);
    expect(csvText(result.value.resultsCsv).trimEnd().split('\r\n')).toHaveLength(11);
    expect(result.value.resultsTruncated).toBe(true);
  });

  it.each([
    ['missing-column.csv', 'bench.missing_column'],
    ['ambiguous.csv', 'bench.ambiguous_column'],
    ['empty.csv', 'bench.empty_file'],
    ['malformed-quote.csv', 'bench.malformed_csv'],
    ['bomb.xlsx', 'bench.xlsx_bomb'],
  ])('%s is refused with %s', async (name, code) => {
    const result = await scoreFile(
      benchDeps(),
      { file: fileAt(fixture(name)), normalize: true },
      { signal: neverAborted, onProgress: () => {} },
    );
    // A file that breaks after some rows still reports them, with the error in `stopped`.
    expect(result.ok ? result.value.stopped?.code : result.error.code).toBe(code);
  });

  it('a named column that does not exist lists the columns found', async () => {
    const result = await scoreFile(
      benchDeps(),
      { file: fileAt(fixture('basic.csv')), normalize: true, expected: 'gold' },
      { signal: neverAborted, onProgress: () => {} },
    );
    expect(!result.ok && result.error.message).toBe(
      'There is no column “gold” for expected. Columns found: 1. “id”, 2. “prediction”, 3. “expected”.',
    );
  });

  it('reports what it finished when the file breaks further down', async () => {
    const file = fileOf(
      'half.csv',
      `prediction,expected\n${'a,a\n'.repeat(3000)}"broken,a\n${'b,b\n'.repeat(10)}`,
      1024,
    );
    const result = await scoreFile(
      benchDeps(),
      { file, normalize: true },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.stopped).toMatchObject({
      code: 'bench.malformed_csv',
      message: expect.stringContaining('line 3002'),
    });
    expect(result.value.metrics.total).toBeGreaterThanOrEqual(2000);
  });

  it('reports progress with a fraction, and stops with partial figures when cancelled', async () => {
    const controller = new AbortController();
    const progress: BenchProgress[] = [];
    const file = fileOf('big.csv', `prediction,expected\n${'a,a\nb,a\n'.repeat(20_000)}`, 8192);
    const result = await scoreFile(
      benchDeps(),
      { file, normalize: true },
      {
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p);
          if (p.rowsDone > 10_000) controller.abort();
        },
      },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.stopped?.code).toBe('bench.cancelled');
    expect(result.value.metrics.total).toBeLessThan(40_000);
    expect(progress[0]?.fraction).toBeGreaterThan(0);
    expect(progress[0]?.accuracy).toBeCloseTo(0.5, 1);
  });
});

describe('scoreFile with predictions and expected values in two files (paired by position)', () => {
  const labels = () => {
    const lines = readFileSync(sharedData('sst2-pt-dev.tsv'), 'utf8').trimEnd().split('\n').slice(1);
    return lines.map((l) => l.slice(l.lastIndexOf('\t') + 1));
  };

  it('pairs a one-column predictions file with the real SST-2 file (its label column)', async () => {
    const predictions = labels().map((l, i) => (i < 100 ? String(1 - Number(l)) : l));
    const file = fileOf('predictions.csv', `prediction\n${predictions.join('\n')}\n`, 512);
    const result = await scoreFile(
      benchDeps(),
      { file, expectedFile: fileAt(sharedData('sst2-pt-dev.tsv')), normalize: true },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.paired).toEqual({ predictionRows: 872, expectedRows: 872 });
    expect(result.value.columns).toEqual({
      expected: 'sst2-pt-dev.tsv: label',
      prediction: 'predictions.csv: prediction',
    });
    expect(result.value.metrics).toMatchObject({ total: 872, scored: 872, correct: 772 });
  });

  it('counts rows without a partner as blank and says how long each file was', async () => {
    const file = fileOf('p.csv', 'output\na\nb\nc\nd\n');
    const expectedFile = fileOf('e.csv', 'label\na\nx\n');
    const result = await scoreFile(
      benchDeps(),
      { file, expectedFile, normalize: true },
      { signal: neverAborted, onProgress: () => {} },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.paired).toEqual({ predictionRows: 4, expectedRows: 2 });
    expect(result.value.metrics).toMatchObject({ total: 4, scored: 2, correct: 1, blank: 2 });
  });

  it('names the file a problem is in', async () => {
    const file = fileOf('p.csv', 'output,notes\na,x\n');
    const result = await scoreFile(
      benchDeps(),
      { file, expectedFile: fileAt(fixture('malformed-quote.csv')), normalize: true, expected: 'expected' },
      { signal: neverAborted, onProgress: () => {} },
    );
    const error = result.ok ? result.value.stopped : result.error;
    expect(error).toMatchObject({
      code: 'bench.malformed_csv',
      message: expect.stringMatching(/^malformed-quote\.csv: A quoted cell/),
    });
    const missing = await scoreFile(
      benchDeps(),
      { file: fileOf('p.csv', 'a,b\n1,2\n'), expectedFile: fileAt(fixture('basic.csv')), normalize: true },
      { signal: neverAborted, onProgress: () => {} },
    );
    expect(!missing.ok && missing.error.message).toMatch(/^p\.csv: I could not find the prediction column/);
  });
});
