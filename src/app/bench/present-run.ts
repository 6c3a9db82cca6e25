import type { ErrorReply, OutFile, Reply, TableReply, TextReply } from '../../chat/reply.ts';
import { csvLine } from '../../domain/bench/csv-escape.ts';
import { duration, percent } from '../../domain/bench/stats.ts';
import { formatUsd } from '../../domain/models/catalog.ts';
import type { BenchDeps } from './deps.ts';
import type { ModelSummary, RunReport } from './run-report.ts';

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
  parts.push(summaryTable(report), notes(report));
  const files: OutFile[] = [];
  try {
    const png = await deps.charts.render({
      kind: 'run',
      title: `${report.fileName}: ${report.rowsRead.toLocaleString('en')} rows, ${report.grader} grader`,
      models: report.models.map((m) => ({
        name: m.model.id,
        accuracy: m.accuracy,
        costUsd: m.costUsd,
        latenciesMs: m.latenciesMs,
      })),
    });
    files.push({
      name: 'bench-chart.png',
      contentType: 'image/png',
      data: png,
      description: 'Accuracy against cost; latency spread',
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
  const rows = [...report.models, ...(report.judge ? [report.judge] : [])].map((m) => {
    const isJudge = m === report.judge;
    return [
      isJudge ? `${m.model.id} (judge)` : m.model.id,
      isJudge ? '' : `${percent(m.accuracy)} (${m.correct}/${m.graded})`,
      ms(m.p50Ms),
      ms(m.p95Ms),
      `${m.inputTokens.toLocaleString('en')} / ${m.outputTokens.toLocaleString('en')}`,
      formatUsd(m.costUsd),
      String(m.errors),
    ];
  });
  return {
    kind: 'table',
    title: `Bench run: ${report.fileName}`,
    columns: ['model', 'accuracy', 'p50', 'p95', 'tokens in / out', 'cost', 'errors'],
    rows,
    footer: `${report.format} · ${report.rowsRead.toLocaleString('en')} rows · ${duration(report.elapsedMs)}`,
  };
}

function notes(report: RunReport): TextReply {
  const lines = [
    `Prompt: \`${report.columns.prompt}\` · expected: \`${report.columns.expected}\` · ${report.grader} grader`,
    report.blankRows > 0
      ? `${report.blankRows.toLocaleString('en')} rows skipped: blank prompt or expected value.`
      : '',
    report.capped ? `Only the first ${report.rowsRead.toLocaleString('en')} rows were run (BENCH_MAX_RUN_ROWS).` : '',
    ...report.models.map(throttleNote),
    ...report.models
      .filter((m) => m.errors > 0)
      .map((m) => `${m.model.id}: ${m.errors} failed (${m.firstError ?? 'unknown error'}).`),
    report.cellsTruncated ? 'The results CSV holds the first rows only (BENCH_RESULT_ROWS).' : '',
  ];
  const prices = report.models.map((m) => m.model.asOf).sort()[0];
  return {
    kind: 'text',
    text: lines.filter(Boolean).join('\n'),
    footer: `Prices as of ${prices ?? 'unknown'}; cached answers cost nothing and are left out of latency.`,
  };
}

function throttleNote(m: ModelSummary): string {
  const cached = m.cacheHits > 0 ? ` ${m.cacheHits} answers came from the cache.` : '';
  if (m.throttles === 0) return cached ? `${m.model.id}:${cached}` : '';
  return `${m.model.id}: throttled ${m.throttles} times; concurrency went down to ${m.lowestConcurrency} and ended at ${m.finalConcurrency} (${m.retries} retries).${cached}`;
}

function resultsCsv(report: RunReport): Uint8Array {
  const header = [
    'row',
    'model',
    'prompt',
    'expected',
    'answer',
    'outcome',
    'latency_ms',
    'input_tokens',
    'output_tokens',
    'cost_usd',
    'attempts',
    'cached',
    'error',
  ];
  const price = new Map(report.models.map((m) => [m.model.id as string, m.model]));
  const lines = [csvLine(header)];
  for (const c of report.cells) {
    const a = c.answer;
    const model = price.get(c.model);
    const cost =
      a && model && !a.cached
        ? (a.inputTokens * model.price.inputPerMTok + a.outputTokens * model.price.outputPerMTok) / 1_000_000
        : 0;
    lines.push(
      csvLine([
        c.row,
        c.model,
        c.prompt,
        c.expected,
        a?.text,
        c.outcome,
        a ? Math.round(a.latencyMs) : undefined,
        a?.inputTokens,
        a?.outputTokens,
        cost.toFixed(8),
        c.attempts,
        a?.cached ?? false,
        c.error,
      ]),
    );
  }
  return new TextEncoder().encode(lines.join(''));
}

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : `${Math.round(value).toLocaleString('en')} ms`;
