/**
 * Scores a generated 1,000,000-row CSV through the real pipeline (FileTableSource -> scoreFile -> reply with chart
 * and CSV) and prints rows per second and peak memory (RSS sampled every 20 ms). Goal: < 3 s and < 300 MB. Then
 * the same rows as an XLSX workbook (shared strings, as Excel saves them; written by exceljs in a child process,
 * never committed), scored the way production does: on a worker thread. Goal: < 300 MB.
 *   npm run bench:score [-- rows]
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { CanvasChartRenderer } from '../adapters/charts/canvas-chart-renderer.ts';
import { FileTableSource } from '../adapters/files/file-table-source.ts';
import { WorkerBench } from '../adapters/workers/worker-bench.ts';
import { type BenchDeps, defaultBenchLimits } from '../src/app/bench/deps.ts';
import { scoreReply } from '../src/app/bench/present-score.ts';
import { runScore, scoreFile } from '../src/app/bench/score-file.ts';
import type { ModelCatalog } from '../src/domain/models/catalog.ts';
import type { TextModel } from '../src/ports/text-model.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const labels = ['positive', 'negative', 'neutral'];

// The file is written by a child process, so its garbage does not count in this process's memory and time.
if (process.argv[3] !== undefined) {
  await (process.argv[3].endsWith('.xlsx') ? generateXlsx(process.argv[3]) : generate(process.argv[3]));
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'bench-score-'));
const path = join(dir, 'predictions.csv');

function row(i: number): [number, string, string, string] {
  const expected = labels[i % 3] ?? '';
  // ~85 % right, some case/punctuation noise, a few blanks.
  const prediction = i % 7 === 0 ? (labels[(i + 1) % 3] ?? '') : i % 11 === 0 ? `${expected.toUpperCase()}.` : expected;
  return [i, i % 13 === 0 ? `review ${i}, with a comma` : `review ${i}`, i % 101 === 0 ? '' : prediction, expected];
}

async function generateXlsx(path: string): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
  const sheet = wb.addWorksheet('predictions');
  sheet.addRow(['id', 'text', 'prediction', 'expected']).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(row(i)).commit();
  sheet.commit();
  await wb.commit();
}

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path);
  let chunk = 'id,text,prediction,expected\n';
  for (let i = 0; i < rows; i++) {
    const [id, text, prediction, expected] = row(i);
    chunk += `${id},${text.includes(',') ? `"${text}"` : text},${prediction},${expected}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}

execFileSync(process.execPath, [import.meta.filename, String(rows), path], { stdio: 'inherit' });
const size = statSync(path).size;
const unused = (): never => {
  throw new Error('score mode calls no model');
};
const deps: BenchDeps = {
  tables: new FileTableSource(),
  charts: new CanvasChartRenderer(),
  textModel: { generate: unused, countTokens: unused } as TextModel,
  catalog: {} as ModelCatalog,
  limits: { ...defaultBenchLimits, maxBytes: 200 * 1024 * 1024 },
  clock: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);
const started = performance.now();
const result = await scoreFile(
  deps,
  {
    file: { name: 'predictions.csv', size, open: (signal) => createReadStream(path, signal ? { signal } : {}) },
    normalize: true,
  },
  { signal: new AbortController().signal, onProgress: () => {} },
);
const scoredMs = performance.now() - started;
if (!result.ok) throw new Error(result.error.message);
const reply = await scoreReply(deps, result.value, (e) => console.error('chart failed', e));
const totalMs = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
rmSync(dir, { recursive: true, force: true });

const m = result.value.metrics;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
console.log(`file          ${rows.toLocaleString('en')} rows, ${mb(size)}`);
console.log(
  `accuracy      ${(m.accuracy * 100).toFixed(2)} % (${m.blank.toLocaleString('en')} blank), macro-F1 ${m.macroF1?.toFixed(4)}`,
);
console.log(
  `scoring       ${(scoredMs / 1000).toFixed(2)} s, ${Math.round(m.total / (scoredMs / 1000)).toLocaleString('en')} rows/s`,
);
console.log(
  `with reply    ${(totalMs / 1000).toFixed(2)} s (chart PNG + results CSV of ${defaultBenchLimits.resultRows.toLocaleString('en')} rows, ${reply.kind})`,
);
console.log(`peak RSS      ${mb(peak)} (baseline ${mb(baseline)})`);
console.log(`goal          < 3 s and < 300 MB: ${totalMs < 3000 && peak < 300 * 1024 * 1024 ? 'met' : 'NOT met'}`);

// XLSX: scored as production does, on a worker thread (its heap limit is what keeps the peak down).
const xlsxPath = join(mkdtempSync(join(tmpdir(), 'bench-score-')), 'predictions.xlsx');
const writing = performance.now();
execFileSync(process.execPath, [import.meta.filename, String(rows), xlsxPath], { stdio: 'inherit' });
const xlsxSize = statSync(xlsxPath).size;
console.log(
  `xlsx          ${rows.toLocaleString('en')} rows, ${mb(xlsxSize)} (written in ${((performance.now() - writing) / 1000).toFixed(0)} s by exceljs)`,
);
const workers = new WorkerBench();
const xlsxDeps: BenchDeps = { ...deps, charts: workers, offload: workers };
const before = process.memoryUsage.rss();
let xlsxPeak = before;
const xlsxSampler = setInterval(() => {
  xlsxPeak = Math.max(xlsxPeak, process.memoryUsage.rss());
}, 20);
const xlsxStarted = performance.now();
const xlsx = await runScore(
  xlsxDeps,
  { file: { name: 'predictions.xlsx', size: xlsxSize, open: () => createReadStream(xlsxPath) }, normalize: true },
  { signal: new AbortController().signal, onProgress: () => {} },
);
if (!xlsx.ok) throw new Error(xlsx.error.message);
await scoreReply(xlsxDeps, xlsx.value, (e) => console.error('chart failed', e));
const xlsxMs = performance.now() - xlsxStarted;
clearInterval(xlsxSampler);
rmSync(xlsxPath, { force: true });
const same = xlsx.value.metrics.correct === m.correct && xlsx.value.metrics.total === m.total;
console.log(
  `xlsx scoring  ${(xlsxMs / 1000).toFixed(2)} s with reply, ${Math.round(rows / (xlsxMs / 1000)).toLocaleString('en')} rows/s; same figures as the CSV: ${same ? 'yes' : 'NO'}`,
);
console.log(
  `xlsx peak RSS ${mb(xlsxPeak)} (before ${mb(before)}; goal < 300 MB: ${xlsxPeak < 300 * 1024 * 1024 ? 'met' : 'NOT met'})`,
);
