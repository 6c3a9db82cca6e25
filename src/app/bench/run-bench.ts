import { type Grader, grade } from '../../domain/bench/graders.ts';
import { gradeRow } from '../../domain/bench/promptfoo.ts';
import { fillTemplate } from '../../domain/bench/template.ts';
import type { ModelInfo } from '../../domain/models/catalog.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import { answerKey, type CallResult, callModel } from './call-model.ts';
import type { BenchDeps, BenchHooks } from './deps.ts';
import { judge } from './judge.ts';
import { AdaptiveLimiter } from './limiter.ts';
import { ProgressPacer } from './progress.ts';
import { type ModelSummary, ModelTally, type RunCell, type RunReport } from './run-report.ts';
import { type RunLayout, resolveJudge, resolveLayout, resolveModels } from './run-setup.ts';
import { compareModels } from './run-stats.ts';
import { tableOptions } from './score-file.ts';

export interface RunInput {
  readonly file: FileSource;
  /** Model keys from the catalog, 1 to 4. */
  readonly models: readonly string[];
  readonly prompt?: string;
  /** `{column}` placeholders; used instead of a prompt column. */
  readonly template?: string;
  readonly expected?: string;
  readonly sheet?: string;
  readonly grader: Grader;
  /** Attempts per row (1-10): finds flaky rows and gives pass^N. */
  readonly repeat?: number;
  /** Ask every prompt again instead of reusing answers kept from an earlier run. */
  readonly fresh?: boolean;
}

/** One input row, ready to send: its prompt and what grades the answer. */
export interface RowInput {
  readonly row: number;
  readonly prompt: string;
  /** The expected value, or the row's promptfoo assertions. */
  readonly expected: readonly string[];
  readonly threshold?: string;
  readonly description?: string;
  readonly metadata?: readonly string[];
}

export const MAX_REPEAT = 10;

/**
 * Run mode: every row's prompt goes to each chosen model, answers are graded against the expected column.
 * Rows stream in with backpressure (a bounded window of calls in flight); each model has its own adaptive
 * concurrency; identical prompts are asked once per model; a cancelled or broken run reports what it finished.
 */
export async function runBench(
  deps: BenchDeps,
  input: RunInput,
  hooks: BenchHooks,
  /** Where answers come from instead of on-demand calls (a finished batch job's output): same grading and report. */
  source?: AnswerSource,
): Promise<Result<RunReport>> {
  const started = deps.clock();
  const repeat = input.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    return err(
      appError(
        'bench.bad_repeat',
        `\`repeat\` must be a whole number from 1 to ${MAX_REPEAT}; got ${repeat}.`,
        'Use `repeat:3` to ask each row three times and find the flaky ones.',
      ),
    );
  }
  const models = resolveModels(deps, input.models);
  if (!models.ok) return models;
  const judgeModel = input.grader.type === 'judge' ? resolveJudge(deps, input.grader.model) : undefined;
  if (judgeModel && !judgeModel.ok) return judgeModel;
  const limiters = new Map<string, AdaptiveLimiter>();
  const limiterFor = (m: ModelInfo): AdaptiveLimiter => {
    const existing = limiters.get(m.id);
    if (existing) return existing;
    const created = new AdaptiveLimiter(deps.limits.maxConcurrency, deps.clock, deps.sleep);
    limiters.set(m.id, created);
    return created;
  };
  const tallies = models.value.map((m) => new ModelTally(m, limiterFor(m)));
  const judgeTally = judgeModel?.ok ? new ModelTally(judgeModel.value, limiterFor(judgeModel.value)) : undefined;
  const cache = new Map<string, Promise<CallResult>>();
  const cells: RunCell[] = [];
  const descriptions = new Map<number, string>();
  const inFlight = new Set<Promise<void>>();
  const window = Math.max(4, models.value.length * deps.limits.maxConcurrency * 2);
  const pacer = new ProgressPacer(deps, input.file.size, hooks.onProgress);
  let layout: RunLayout | undefined;
  let format = '';
  let rowsRead = 0;
  let blankRows = 0;
  let capped = false;
  let stopped: AppError | undefined;
  // Share of the file read and rows delivered so far: together they estimate the rows the run will have.
  let fraction = 0;
  let rowsSeen = 0;

  const ask = (model: ModelInfo, prompt: string, attempt: number): Promise<CallResult> => {
    const key = `${model.id}\u0000${attempt}\u0000${prompt}`;
    const hit = cache.get(key);
    if (hit) return hit.then((r) => (r.ok && !r.reused ? { ...r, cached: true } : r));
    const call = source ? source(model, prompt, attempt) : askOnce(model, prompt, attempt);
    cache.set(key, call);
    // Failures are not cached: the next identical prompt tries again.
    void call.then(
      (r) => (r.ok ? undefined : cache.delete(key)),
      () => cache.delete(key),
    );
    return call;
  };

  /** An answer kept from an earlier run (resume), else a model call whose answer is then kept. */
  const askOnce = async (model: ModelInfo, prompt: string, attempt: number): Promise<CallResult> => {
    const store = deps.answers;
    const key = answerKey(model, prompt, attempt);
    const kept = store && !input.fresh ? await store.get(key).catch(() => undefined) : undefined;
    if (kept) return { ok: true, ...kept, attempts: 0, cached: false, reused: true };
    const result = await callModel(deps, limiterFor(model), model, prompt, hooks.signal);
    if (result.ok && store) {
      const { text, inputTokens, outputTokens, latencyMs } = result;
      // A full disk loses the resume, not the run.
      await store.put(key, { text, inputTokens, outputTokens, latencyMs }).catch(() => undefined);
    }
    return result;
  };

  /** The graded part of a cell: the grader's (or judge's) verdict on the answer, or why there is none. */
  const gradeAnswer = async (
    answer: CallResult,
    row: RowInput,
  ): Promise<Pick<RunCell, 'answer' | 'outcome' | 'error' | 'score' | 'failed' | 'assertions'>> => {
    if (!answer.ok) {
      return {
        outcome: answer.code === 'model.aborted' ? 'cancelled' : 'error',
        answer: undefined,
        error: `${answer.code}: ${answer.message}`,
      };
    }
    const expected = row.expected[0] ?? '';
    if (input.grader.type === 'judge') {
      const verdict =
        judgeModel?.ok && judgeTally
          ? await judge(deps, judgeTally, row.prompt, row.expected.join('\n'), answer.text, hooks.signal)
          : undefined;
      return { answer, outcome: verdict ?? 'ungradable' };
    }
    if (layout?.promptfoo) {
      const v = gradeRow(answer.text, row.expected, row.threshold);
      return {
        answer,
        outcome: v.error !== undefined ? 'ungradable' : v.pass ? 'correct' : 'wrong',
        score: v.score,
        failed: v.failed,
        assertions: v.results,
        ...(v.error === undefined ? {} : { error: v.error }),
      };
    }
    const g = grade(input.grader, answer.text, expected);
    return {
      answer,
      outcome: 'error' in g ? 'ungradable' : g.pass ? 'correct' : 'wrong',
      ...('error' in g ? { error: g.error } : {}),
    };
  };

  const runCell = async (row: RowInput, tally: ModelTally, attempt: number): Promise<void> => {
    const answer = await ask(tally.model, row.prompt, attempt);
    const graded = await gradeAnswer(answer, row);
    const cell: RunCell = {
      row: row.row,
      model: tally.model.id,
      repeat: attempt,
      prompt: row.prompt,
      expected: row.expected.filter(Boolean).join(' | '),
      ...graded,
      attempts: answer.attempts,
      ...(row.description === undefined ? {} : { description: row.description }),
      ...(row.metadata === undefined ? {} : { metadata: row.metadata }),
    };
    tally.add(cell);
    if (cells.length < deps.limits.resultRows) cells.push(cell);
    const done = tallies.reduce((n, t) => n + t.cells, 0);
    const expectedCells = Math.max(
      done,
      Math.min(deps.limits.maxRunRows, fraction > 0 ? rowsSeen / fraction : rowsSeen) * tallies.length * repeat,
    );
    pacer.update(
      Math.floor(done / (tallies.length * repeat)),
      done,
      overallAccuracy(tallies),
      concurrencyLine(tallies),
      expectedCells,
    );
  };

  // The reader waits here while the window is full; the next cell to finish wakes it. (Promise.race over the
  // window instead added a reaction to every pending cell per scheduled cell: 0.1+ ms a row at 64 in flight.)
  let wakeReader: (() => void) | undefined;
  const schedule = async (task: Promise<void>): Promise<void> => {
    inFlight.add(task);
    const remove = () => {
      inFlight.delete(task);
      const wake = wakeReader;
      wakeReader = undefined;
      wake?.();
    };
    void task.then(remove, remove);
    while (inFlight.size >= window) {
      await new Promise<void>((resolve) => {
        wakeReader = resolve;
      });
    }
  };

  reading: for await (const event of deps.tables.read(input.file, tableOptions(deps, input), hooks.signal)) {
    if (event.type === 'header') {
      const found = resolveLayout(event.columns, input);
      if (!found.ok) return found;
      layout = found.value;
      format = `${event.format.toUpperCase()} (${event.detail})`;
    } else if (event.type === 'rows' && layout) {
      if (input.file.size > 0 && event.bytesRead > 0) fraction = event.bytesRead / input.file.size;
      rowsSeen += event.rows.length;
      for (const row of event.rows) {
        if (hooks.signal.aborted) break reading;
        if (rowsRead >= deps.limits.maxRunRows) {
          capped = true;
          break reading;
        }
        rowsRead++;
        const next = rowInput(layout, row);
        if (next.prompt.trim() === '' || next.expected.every((e) => e.trim() === '')) {
          blankRows++;
          continue;
        }
        if (next.description) descriptions.set(next.row, next.description);
        for (let attempt = 1; attempt <= repeat; attempt++) {
          for (const tally of tallies) await schedule(runCell(next, tally, attempt));
        }
      }
    } else if (event.type === 'error') {
      if (!layout || rowsRead === 0) return err(event.error);
      stopped = event.error;
    }
  }
  await Promise.all(inFlight);
  if (!layout) return err(appError('bench.empty_file', `${input.file.name} has no header row.`));
  if (hooks.signal.aborted)
    stopped = appError('bench.cancelled', `Cancelled after ${rowsRead.toLocaleString('en')} rows.`);
  const order = tallies.map((t) => t.model.id as string);
  cells.sort((a, b) => a.row - b.row || a.repeat - b.repeat || order.indexOf(a.model) - order.indexOf(b.model));
  const summaries = tallies.map((t) => t.summary(repeat));
  return ok({
    fileName: input.file.name,
    format,
    columns: layout.names,
    grader: layout.promptfoo ? 'promptfoo assertions per row' : input.grader.type,
    models: summaries,
    comparisons: pairsOf(tallies).map(([a, b]) =>
      compareModels(
        { name: a.model.id, outcomes: a.rowOutcomes },
        { name: b.model.id, outcomes: b.rowOutcomes },
        repeat,
      ),
    ),
    repeat,
    flaky: flakyRows(summaries, descriptions),
    metadataKeys: layout.promptfoo?.metadata.map((m) => m.key) ?? [],
    ...(judgeTally ? { judge: judgeTally.summary() } : {}),
    rowsRead,
    blankRows,
    capped,
    ...(stopped ? { stopped } : {}),
    cells,
    cellsTruncated: tallies.reduce((n, t) => n + t.cells, 0) > cells.length,
    elapsedMs: deps.clock() - started,
  });
}

/** Answers one prompt of one model (the attempt is 1-based); never rejects. */
export type AnswerSource = (model: ModelInfo, prompt: string, attempt: number) => Promise<CallResult>;

/** A row's prompt (column or template, with promptfoo's prefix and suffix) and what grades its answers. */
export function rowInput(layout: RunLayout, row: { row: number; cells: readonly string[] }): RowInput {
  const cell = (i: number | undefined) => (i === undefined ? '' : (row.cells[i] ?? ''));
  const body = typeof layout.prompt === 'number' ? cell(layout.prompt) : fillTemplate(layout.prompt, row.cells);
  const pf = layout.promptfoo;
  const expected = layout.expected.map((i) => cell(i));
  if (!pf) return { row: row.row, prompt: body, expected };
  const description = cell(pf.description);
  return {
    row: row.row,
    prompt: `${cell(pf.prefix)}${body}${cell(pf.suffix)}`,
    expected,
    threshold: cell(pf.threshold),
    ...(description ? { description } : {}),
    metadata: pf.metadata.map((m) => cell(m.index)),
  };
}

const pairsOf = <T>(items: readonly T[]): [T, T][] =>
  items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));

const MAX_FLAKY_LISTED = 8;

function flakyRows(models: readonly ModelSummary[], descriptions: ReadonlyMap<number, string>): RunReport['flaky'] {
  return models
    .flatMap((m) =>
      m.figures.flakyRows.map((row) => {
        const description = descriptions.get(row);
        return { model: m.model.id as string, row, ...(description ? { description } : {}) };
      }),
    )
    .sort((a, b) => a.row - b.row)
    .slice(0, MAX_FLAKY_LISTED);
}

const overallAccuracy = (tallies: readonly ModelTally[]): number => {
  const graded = tallies.reduce((n, t) => n + t.graded, 0);
  return graded === 0 ? 0 : tallies.reduce((n, t) => n + t.correct, 0) / graded;
};

const concurrencyLine = (tallies: readonly ModelTally[]): string =>
  tallies.map((t) => `${t.model.id}: ${t.limiter.active} in flight${paceOf(t.limiter.rate)}`).join(' · ');

const paceOf = (rate: number): string => (Number.isFinite(rate) ? `, paced at ${rate.toFixed(1)}/s` : '');
