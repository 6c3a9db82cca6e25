import type { ErrorReply, OutFile, Reply, TableReply, TextReply } from '../../chat/reply.ts';
import { csvLine } from '../../domain/bench/csv-escape.ts';
import type { Interval } from '../../domain/bench/intervals.ts';
import { duration, percent } from '../../domain/bench/stats.ts';
import { costUsd, formatUsd } from '../../domain/models/catalog.ts';
import { pathNotes } from './batch-notes.ts';
import type { BenchDeps } from './deps.ts';
import type { ModelSummary, RunReport } from './run-report.ts';
import { comparisonSentence } from './run-stats.ts';

/** The run-mode answer: a table per model, notes on throttling and errors, a chart and the results CSV. */
export async function runReply(
  deps: Pick<BenchDeps, 'charts'>,
  report: RunReport,
  onChartError: (e: unknown) => void,
): Promise<Reply> {
  const parts: (TextReply | TableReply | ErrorReply)[] = [];
  if (report.stopped) {
    parts.push({
      kind: 'error',
      code: report.stopped.code,
      message: `Stopped early: ${report.stopped.message} The figures cover the rows finished before that.`,
      ...(report.stopped.hint ? { hint: report.stopped.hint } : {}),
    });
  }
  parts.push(summaryTable(report));
  const findings = statistics(report);
  if (findings) parts.push(findings);
  parts.push(notes(report));
  const files: OutFile[] = [];
  try {
    const png = await deps.charts.render({
      kind: 'run',
      title: `${report.fileName}: ${report.rowsRead.toLocaleString('en')} rows, ${report.grader} grader`,
      models: report.models.map((m) => ({
        name: m.model.id,
        accuracy: m.accuracy,
        accuracyCi: m.figures.ci,
        costUsd: m.costUsd,
        latenciesMs: m.latenciesMs,
      })),
    });
    files.push({
      name: 'bench-chart.png',
      contentType: 'image/png',
      data: png,
      description: 'Accuracy (95% interval) against cost; latency spread',
    });
  } catch (error) {
    onChartError(error);
  }
  files.push({
    name: 'bench-results.csv',
    contentType: 'text/csv',
    data: resultsCsv(report),
    description: 'One row per input row and model',
  });
  return { kind: 'composite', parts, files };
}

function summaryTable(report: RunReport): TableReply {
  const repeats = report.repeat > 1;
  const rows = [...report.models, ...(report.judge ? [report.judge] : [])].map((m) => {
    const isJudge = m === report.judge;
    const f = m.figures;
    return [
      isJudge ? `${m.model.id} (judge)` : m.model.id,
      isJudge ? '' : `${percent(m.accuracy)} (${m.correct}/${m.graded}, CI ${interval(f.ci)})`,
      ...(repeats ? [isJudge || !f.passAll ? '' : `${percent(f.passAll.rate)} (${interval(f.passAll.ci)})`] : []),
      ms(m.p50Ms),
      ms(m.p95Ms),
      `${m.inputTokens.toLocaleString('en')} / ${m.outputTokens.toLocaleString('en')}`,
      formatUsd(m.costUsd),
      `${m.errors} / ${m.throttles}`,
      report.path?.kind === 'batch'
        ? 'batch job'
        : `${m.settledRate === undefined ? 'unlimited' : `${m.settledRate.toFixed(1)}/s`}, ≤ ${m.peakInFlight} in flight`,
    ];
  });
  const accuracy = repeats ? 'pass@1 (95% CI)' : 'accuracy (95% CI)';
  return {
    kind: 'table',
    title: `Bench run: ${report.fileName}`,
    columns: [
      'model',
      accuracy,
      ...(repeats ? [`pass^${report.repeat} (95% CI)`] : []),
      'p50',
      'p95',
      'tokens in / out',
      'cost',
      'errors / throttles',
      'pace',
    ],
    rows,
    footer: `${report.format} · ${report.rowsRead.toLocaleString('en')} rows${repeats ? ` × ${report.repeat} repeats` : ''} · ${duration(report.elapsedMs)}`,
  };
}

/** Which differences between models are real, flaky rows, and pass rates per assertion type. */
function statistics(report: RunReport): TextReply | undefined {
  const lines = report.comparisons.map(comparisonSentence);
  if (report.repeat > 1) {
    const flaky = report.models.map((m) => `${m.model.id} ${m.figures.flakyRows.length}`).join(', ');
    lines.push(`Flaky rows (outcome changed between the ${report.repeat} attempts): ${flaky}.`);
    if (report.flaky.length > 0) {
      const listed = report.flaky.map(
        (f) => `row ${f.row}${f.description ? ` “${clip(f.description)}”` : ''} (${f.model})`,
      );
      lines.push(`First flaky rows: ${listed.join('; ')}. The results CSV marks every one.`);
    }
  }
  for (const m of report.models) {
    if (m.assertionRates.length < 2) continue;
    const rates = m.assertionRates.map((r) => `${r.type} ${percent(r.passed / r.ran)} (${interval(r.ci)}, n=${r.ran})`);
    lines.push(`${m.model.id} by assertion: ${rates.join(' · ')}`);
  }
  if (lines.length === 0) return undefined;
  return { kind: 'text', title: 'What the numbers say', text: lines.join('\n') };
}

function notes(report: RunReport): TextReply {
  const lines = [
    `Prompt: \`${report.columns.prompt}\` · expected: \`${report.columns.expected}\` · ${report.grader} grader`,
    report.blankRows > 0
      ? `${report.blankRows.toLocaleString('en')} rows skipped: blank prompt or expected value.`
      : '',
    report.capped
      ? `Only the first ${report.rowsRead.toLocaleString('en')} rows were run (${report.path?.kind === 'batch' ? 'BENCH_BATCH_MAX_ROWS' : 'BENCH_MAX_RUN_ROWS'}).`
      : '',
    ...report.models.map(throttleNote),
    ...report.models
      .filter((m) => m.errors > 0)
      .map((m) => `${m.model.id}: ${m.errors} failed (${m.firstError ?? 'unknown error'}).`),
    report.cellsTruncated ? 'The results CSV holds the first rows only (BENCH_RESULT_ROWS).' : '',
    reusedNote(report),
    ...pathNotes(report),
  ];
  const prices = report.models.map((m) => m.model.asOf).sort()[0];
  return {
    kind: 'text',
    text: lines.filter(Boolean).join('\n'),
    footer: `Prices as of ${prices ?? 'unknown'}; cached answers cost nothing and are left out of latency.`,
  };
}

function reusedNote(report: RunReport): string {
  const reused = report.models.reduce((n, m) => n + m.reused, 0);
  const total = report.models.reduce((n, m) => n + m.cells, 0);
  if (reused === 0) return '';
  return `Resumed: ${reused.toLocaleString('en')} of ${total.toLocaleString('en')} answers were reused from an earlier run of these prompts (kept 14 days; they cost nothing now and are left out of latency). Add \`fresh:true\` to ask again.`;
}

function throttleNote(m: ModelSummary): string {
  const cached = m.cacheHits > 0 ? ` ${m.cacheHits} answers came from the cache.` : '';
  if (m.throttles === 0) return cached ? `${m.model.id}:${cached}` : '';
  const settled =
    m.settledRate === undefined
      ? ''
      : `; the send rate settled at ${m.settledRate.toFixed(1)} requests/s (lowest ${(m.lowestRate ?? m.settledRate).toFixed(1)}/s)`;
  return `${m.model.id}: throttled ${m.throttles} times${settled}; ${m.retries} retries.${cached}`;
}

function resultsCsv(report: RunReport): Uint8Array {
  const header = [
    'row',
    'model',
    'repeat',
    'prompt',
    'expected',
    'answer',
    'outcome',
    'score',
    'failed_assertions',
    'flaky',
    'latency_ms',
    'input_tokens',
    'output_tokens',
    'cost_usd',
    'attempts',
    'cached',
    'reused',
    'error',
    'description',
    ...report.metadataKeys.map((k) => `metadata:${k}`),
  ];
  const models = new Map(report.models.map((m) => [m.model.id as string, m]));
  const flaky = new Map(report.models.map((m) => [m.model.id as string, new Set(m.figures.flakyRows)]));
  const lines = [csvLine(header)];
  for (const c of report.cells) {
    const a = c.answer;
    const summary = models.get(c.model);
    const paid = a && summary && !a.cached && !a.reused;
    const cost = paid ? costUsd(summary.model, { inputTokens: a.inputTokens, outputTokens: a.outputTokens }) : 0;
    lines.push(
      csvLine([
        c.row,
        c.model,
        c.repeat,
        c.prompt,
        c.expected,
        a?.text,
        c.outcome,
        c.score === undefined ? undefined : c.score.toFixed(3),
        c.failed?.join(' | '),
        flaky.get(c.model)?.has(c.row) ?? false,
        a && !a.batch ? Math.round(a.latencyMs) : undefined,
        a?.inputTokens,
        a?.outputTokens,
        cost.toFixed(8),
        c.attempts,
        a?.cached ?? false,
        a?.reused ?? false,
        c.error,
        c.description,
        ...(c.metadata ?? []),
      ]),
    );
  }
  return new TextEncoder().encode(lines.join(''));
}

const interval = (ci: Interval): string => `${(ci.low * 100).toFixed(1)}–${(ci.high * 100).toFixed(1)}`;
const clip = (text: string): string => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : `${Math.round(value).toLocaleString('en')} ms`;
