import type { OutFile, Reply, TableReply, TextReply } from '../../chat/reply.ts';
import type { ScoreMetrics } from '../../domain/bench/metrics.ts';
import { duration, percent } from '../../domain/bench/stats.ts';
import type { BenchDeps } from './deps.ts';
import type { ScoreReport } from './score-file.ts';

const MAX_MATRIX = 12;
/** The chart stays readable up to this many classes (the matrix as a table only up to MAX_MATRIX). */
const MAX_CHART = 20;

/** The score-mode answer: summary, per-class table, confusion matrix, a chart and the results CSV. */
export async function scoreReply(
  deps: Pick<BenchDeps, 'charts'>,
  report: ScoreReport,
  onChartError: (e: unknown) => void,
): Promise<Reply> {
  const m = report.metrics;
  const parts: (TextReply | TableReply)[] = [summary(report)];
  if (m.classes && m.classes.length > 0) parts.push(classTable(m));
  if (m.matrix && m.matrix.labels.length <= MAX_MATRIX) parts.push(matrixTable(m));
  const files: OutFile[] = [];
  if (m.matrix && m.classes && m.matrix.labels.length <= MAX_CHART) {
    try {
      const png = await deps.charts.render({
        kind: 'score',
        title: `${report.fileName}: accuracy ${percent(m.accuracy)}`,
        matrix: m.matrix,
        classes: m.classes,
      });
      files.push({
        name: 'bench-chart.png',
        contentType: 'image/png',
        data: png,
        description: 'Confusion matrix and per-class F1',
      });
    } catch (error) {
      onChartError(error);
    }
  }
  files.push({
    name: 'bench-results.csv',
    contentType: 'text/csv',
    data: report.resultsCsv,
    description: report.resultsTruncated ? 'The first rows with their outcome' : 'Every row with its outcome',
  });
  const stoppedPart = report.stopped
    ? [
        {
          kind: 'error' as const,
          code: report.stopped.code,
          message: `Stopped early: ${report.stopped.message} The figures cover the rows read before that.`,
          ...(report.stopped.hint ? { hint: report.stopped.hint } : {}),
        },
      ]
    : [];
  return { kind: 'composite', parts: [...stoppedPart, ...parts], files };
}

function summary(report: ScoreReport): TextReply {
  const m = report.metrics;
  const lines = [
    `**Accuracy ${percent(m.accuracy)}** (${n(m.correct)} of ${n(m.scored)} scored rows; 95% CI ${range(report.intervals.accuracy, (x) => percent(x))})`,
    m.macroF1 === undefined || !report.intervals.macroF1
      ? ''
      : `Macro-F1 ${m.macroF1.toFixed(3)} (95% CI ${range(report.intervals.macroF1, (x) => x.toFixed(3))}, bootstrap)`,
    `Rows ${n(m.total)} · blank ${n(m.blank)} · unmatched ${n(m.unmatched)}`,
    report.paired ? pairedLine(report.paired) : '',
    `Expected: \`${report.columns.expected}\` · prediction: \`${report.columns.prediction}\` · ${report.grader} comparison`,
    m.matrix === undefined && m.scored > 0 && (report.grader === 'exact' || report.grader === 'normalized')
      ? 'Too many distinct labels for per-class figures: accuracy only.'
      : '',
    m.matrix && m.matrix.labels.length > MAX_MATRIX
      ? `${m.matrix.labels.length} classes: too many for the confusion matrix as a table${m.matrix.labels.length <= MAX_CHART ? ' (the chart has it)' : ''}; the per-class table has every class.`
      : '',
  ];
  const truncated = report.resultsTruncated ? ' · results CSV holds the first rows only' : '';
  return {
    kind: 'text',
    title: `Bench: ${report.fileName}`,
    text: lines.filter(Boolean).join('\n'),
    footer: `${report.format} · ${duration(report.elapsedMs)}${truncated}`,
  };
}

const MAX_CLASS_ROWS = 40;

function classTable(m: ScoreMetrics): TableReply {
  const all = m.classes ?? [];
  // Many classes: the biggest ones, so the message stays readable (the results CSV has every row).
  const shown =
    all.length <= MAX_CLASS_ROWS ? all : [...all].sort((a, b) => b.support - a.support).slice(0, MAX_CLASS_ROWS);
  const rows = shown.map((c) => [c.label, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), n(c.support)]);
  const title = shown.length < all.length ? `Per class (the ${shown.length} largest of ${all.length})` : 'Per class';
  return { kind: 'table', title, columns: ['class', 'precision', 'recall', 'F1', 'support'], rows };
}

function matrixTable(m: ScoreMetrics): TableReply {
  const labels = m.matrix?.labels ?? [];
  const rows = labels.map((label, i) => [label, ...(m.matrix?.counts[i] ?? []).map(n)]);
  return {
    kind: 'table',
    title: 'Confusion matrix (rows: expected, columns: predicted)',
    columns: ['', ...labels],
    rows,
  };
}

function pairedLine(p: { predictionRows: number; expectedRows: number }): string {
  if (p.predictionRows === p.expectedRows) return `Paired by position: both files have ${n(p.predictionRows)} rows.`;
  return `⚠️ The files differ in length: ${n(p.predictionRows)} prediction rows, ${n(p.expectedRows)} expected rows; the ${n(Math.abs(p.predictionRows - p.expectedRows))} rows without a partner count as blank.`;
}

const n = (value: number): string => value.toLocaleString('en');
const range = (ci: { low: number; high: number }, f: (x: number) => string): string => `${f(ci.low)}–${f(ci.high)}`;
