import { csvLine } from '../../domain/bench/csv-escape.ts';
import { type Grader, grade } from '../../domain/bench/graders.ts';
import type { Interval } from '../../domain/bench/intervals.ts';
import { type LabelMapping, parseLabelMapping } from '../../domain/bench/labels.ts';
import { computeMetrics, type ScoreMetrics } from '../../domain/bench/metrics.ts';
import { type Comparison, compareKey } from '../../domain/bench/normalize.ts';
import { pickScoreColumns } from '../../domain/bench/score-columns.ts';
import { accuracyInterval, macroF1Interval } from '../../domain/bench/score-intervals.ts';
import { Tally } from '../../domain/bench/tally.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import type { TableEvent, TableRow } from '../../ports/table-source.ts';
import type { BenchDeps, BenchHooks } from './deps.ts';
import { type PairCounts, pairTables } from './pair-tables.ts';
import { ProgressPacer } from './progress.ts';

export interface ScoreInput {
  readonly file: FileSource;
  /** Expected values in a second file, paired with `file`'s rows by position (the seed's two-file layout). */
  readonly expectedFile?: FileSource;
  readonly prediction?: string;
  readonly expected?: string;
  /** `pos=1|positive,neg=0`. */
  readonly labels?: string;
  /** Fold case, spaces and punctuation before comparing (default true). */
  readonly normalize: boolean;
  readonly sheet?: string;
  /** Anything but `judge`; exact/normalized give per-class figures, the others accuracy only. */
  readonly grader?: Exclude<Grader, { type: 'judge' }>;
}

export interface ScoreReport {
  readonly fileName: string;
  readonly format: string;
  readonly columns: { readonly expected: string; readonly prediction: string };
  readonly metrics: ScoreMetrics;
  /**
   * 95 % intervals, computed where the scoring ran (the macro-F1 bootstrap is 2,000 resamples: on a worker thread
   * it costs the main thread nothing).
   */
  readonly intervals: { readonly accuracy: Interval; readonly macroF1?: Interval };
  readonly comparison: Comparison;
  readonly grader: Grader['type'];
  /** Set when the file could not be read to the end (cancelled, malformed further down): the figures are partial. */
  readonly stopped?: AppError;
  readonly resultsCsv: Uint8Array;
  readonly resultsTruncated: boolean;
  readonly elapsedMs: number;
  /** Two-file mode: how many rows each file had. */
  readonly paired?: PairCounts;
}

/** Rows looked at to find the columns by content. */
const SAMPLE_ROWS = 1000;

type Outcome = 'correct' | 'wrong' | 'blank' | 'unmatched' | 'ungradable';

/** Score mode where the deps say it runs: on a worker thread when one is configured, else here. */
export const runScore = (deps: BenchDeps, input: ScoreInput, hooks: BenchHooks): Promise<Result<ScoreReport>> =>
  deps.offload ? deps.offload.score(input, hooks, deps.limits) : scoreFile(deps, input, hooks);

/**
 * Score mode: the file already holds predictions and expected values. Streams the rows once, tallying counts
 * (memory does not grow with the row count), and keeps the first `resultRows` rows for the results CSV.
 */
export async function scoreFile(deps: BenchDeps, input: ScoreInput, hooks: BenchHooks): Promise<Result<ScoreReport>> {
  const started = deps.clock();
  // An explicit exact/normalized grader decides the comparison; otherwise the normalize flag does.
  const named = input.grader?.type;
  const comparison: Comparison =
    named === 'exact' || named === 'normalized' ? named : input.normalize ? 'normalized' : 'exact';
  let mapping: LabelMapping | undefined;
  if (input.labels !== undefined) {
    const parsed = parseLabelMapping(input.labels, comparison);
    if (!parsed.ok) return parsed;
    mapping = parsed.value;
  }
  const grader = input.grader ?? { type: comparison };
  const classMode = grader.type === 'exact' || grader.type === 'normalized';
  const tally = new Tally(classMode ? 200 : 0);
  const csv: string[] = [csvLine(['row', 'expected', 'prediction', 'expected_label', 'predicted_label', 'outcome'])];
  let csvRows = 0;
  let columns: { expected: number; prediction: number; names: ScoreReport['columns'] } | undefined;
  let format = '';
  let header: Extract<TableEvent, { type: 'header' }> | undefined;
  let stopped: AppError | undefined;
  const pacer = new ProgressPacer(deps, input.file.size, hooks.onProgress);

  const scoreRow = (row: TableRow, e: number, p: number): void => {
    const expected = row.cells[e] ?? '';
    const predicted = row.cells[p] ?? '';
    let ek = compareKey(expected, comparison);
    let pk = compareKey(predicted, comparison);
    let outcome: Outcome;
    if (ek.trim() === '' || pk.trim() === '') {
      tally.addBlank();
      outcome = 'blank';
    } else if (mapping && (mapping.lookup.get(ek) === undefined || mapping.lookup.get(pk) === undefined)) {
      tally.addUnmatched();
      outcome = 'unmatched';
      ek = mapping.lookup.get(ek) ?? ek;
      pk = mapping.lookup.get(pk) ?? pk;
    } else {
      if (mapping) {
        ek = mapping.lookup.get(ek) ?? ek;
        pk = mapping.lookup.get(pk) ?? pk;
      }
      if (classMode) {
        tally.add(ek, pk, ek === pk);
        outcome = ek === pk ? 'correct' : 'wrong';
      } else {
        const g = grade(grader, predicted, expected);
        if ('error' in g) {
          tally.addUnmatched();
          outcome = 'ungradable';
        } else {
          tally.add(ek, pk, g.pass);
          outcome = g.pass ? 'correct' : 'wrong';
        }
      }
    }
    if (csvRows < deps.limits.resultRows) {
      csvRows++;
      csv.push(csvLine([row.row, expected, predicted, ek, pk, outcome]));
    }
  };

  const options = tableOptions(deps, input);
  const pairing = input.expectedFile
    ? pairTables(deps, { ...input, expectedFile: input.expectedFile }, options, hooks.signal)
    : undefined;
  const events = pairing ? pairing.events : deps.tables.read(input.file, options, hooks.signal);
  // Columns found by content need a sample: rows wait here until there are enough (or the file ends).
  let pending: TableRow[] | undefined;
  const decide = (): Result<void> => {
    if (!header) return ok(undefined);
    const found = pairing ? pairedColumns(header.columns) : resolveColumns(header.columns, pending ?? [], input);
    if (!found.ok) return found;
    columns = found.value;
    const held = pending ?? [];
    pending = undefined;
    for (const row of held) scoreRow(row, columns.expected, columns.prediction);
    return ok(undefined);
  };
  for await (const event of events) {
    if (event.type === 'header') {
      header = event;
      format = formatOf(event, event.encoding);
      pending = [];
      if (pairing || (input.expected !== undefined && input.prediction !== undefined)) {
        const decided = decide();
        if (!decided.ok) return decided;
      }
    } else if (event.type === 'rows') {
      if (!header) continue;
      if (!columns) {
        pending?.push(...event.rows);
        if ((pending?.length ?? 0) < SAMPLE_ROWS) continue;
        const decided = decide();
        if (!decided.ok) return decided;
      } else {
        const { expected: e, prediction: p } = columns;
        for (const row of event.rows) scoreRow(row, e, p);
      }
      pacer.update(tally.total, event.bytesRead, tally.accuracy);
      if (hooks.signal.aborted) {
        stopped = appError('bench.cancelled', `Cancelled after ${tally.total.toLocaleString('en')} rows.`);
        break;
      }
    } else if (event.type === 'end') {
      if (header && event.encoding) format = formatOf(header, event.encoding);
    } else if (event.type === 'error') {
      // The rows read before a problem further down still count, once their columns are known.
      if (!columns && (pending?.length ?? 0) > 0) {
        const decided = decide();
        if (!decided.ok) return decided;
      }
      if (!columns || tally.total === 0) return err(event.error);
      stopped = event.error;
    }
  }
  if (!columns && header) {
    const decided = decide();
    if (!decided.ok) return decided;
  }
  if (!columns) return err(appError('bench.empty_file', `${input.file.name} has no header row.`));
  const metrics = computeMetrics(tally.counts(), mapping?.classes);
  return ok({
    fileName: input.file.name,
    format,
    columns: columns.names,
    metrics,
    intervals: {
      accuracy: accuracyInterval(metrics.correct, metrics.scored),
      ...(metrics.macroF1 !== undefined && metrics.matrix ? { macroF1: macroF1Interval(metrics.matrix) } : {}),
    },
    comparison,
    grader: grader.type,
    ...(stopped ? { stopped } : {}),
    resultsCsv: new TextEncoder().encode(csv.join('')),
    resultsTruncated: tally.total > csvRows,
    elapsedMs: deps.clock() - started,
    ...(pairing ? { paired: pairing.counts } : {}),
  });
}

/** `CSV (comma, Windows-1252)`, `XLSX (Sheet1)`. */
const formatOf = (header: Extract<TableEvent, { type: 'header' }>, encoding: string | undefined): string =>
  `${header.format.toUpperCase()} (${[header.detail, encoding].filter(Boolean).join(', ')})`;

/** The virtual header of two paired files is `[expected, prediction]`. */
const pairedColumns = (header: readonly string[]) =>
  ok({ expected: 0, prediction: 1, names: { expected: header[0] ?? '', prediction: header[1] ?? '' } });

function resolveColumns(header: readonly string[], sample: readonly TableRow[], input: ScoreInput) {
  const found = pickScoreColumns(
    header,
    sample.slice(0, SAMPLE_ROWS).map((r) => r.cells),
    input,
  );
  if (!found.ok) return found;
  const { expected, prediction } = found.value;
  return ok({
    expected,
    prediction,
    names: { expected: header[expected] ?? '', prediction: header[prediction] ?? '' },
  });
}

export const tableOptions = (deps: BenchDeps, input: { sheet?: string }) => ({
  maxBytes: deps.limits.maxBytes,
  ...(input.sheet === undefined ? {} : { sheet: input.sheet }),
});
