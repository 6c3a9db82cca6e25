import { type Grader, grade, gradeExpectedCell } from '../../domain/bench/graders.ts';
import { fillTemplate } from '../../domain/bench/template.ts';
import type { ModelInfo } from '../../domain/models/catalog.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import { type CallResult, callModel } from './call-model.ts';
import type { BenchDeps, BenchHooks } from './deps.ts';
import { judge } from './judge.ts';
import { AdaptiveLimiter } from './limiter.ts';
import { ProgressPacer } from './progress.ts';
import { ModelTally, type RunCell, type RunReport } from './run-report.ts';
import { type RunLayout, resolveJudge, resolveLayout, resolveModels } from './run-setup.ts';
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
}

/**
 * Run mode: every row's prompt goes to each chosen model, answers are graded against the expected column.
 * Rows stream in with backpressure (a bounded window of calls in flight); each model has its own adaptive
 * concurrency; identical prompts are asked once per model; a cancelled or broken run reports what it finished.
 */
export async function runBench(deps: BenchDeps, input: RunInput, hooks: BenchHooks): Promise<Result<RunReport>> {
  const started = deps.clock();
  const models = resolveModels(deps, input.models);
  if (!models.ok) return models;
  const judgeModel = input.grader.type === 'judge' ? resolveJudge(deps, input.grader.model) : undefined;
  if (judgeModel && !judgeModel.ok) return judgeModel;
  const limiters = new Map<string, AdaptiveLimiter>();
  const limiterFor = (m: ModelInfo): AdaptiveLimiter => {
    const existing = limiters.get(m.id);
    if (existing) return existing;
    const created = new AdaptiveLimiter(deps.limits.maxConcurrency, deps.limits.maxConcurrency);
    limiters.set(m.id, created);
    return created;
  };
  const tallies = models.value.map((m) => new ModelTally(m, limiterFor(m)));
  const judgeTally = judgeModel?.ok ? new ModelTally(judgeModel.value, limiterFor(judgeModel.value)) : undefined;
  const cache = new Map<string, Promise<CallResult>>();
  const cells: RunCell[] = [];
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

  const ask = (model: ModelInfo, prompt: string): Promise<CallResult> => {
    const key = `${model.id}\u0000${prompt}`;
    const hit = cache.get(key);
    if (hit) return hit.then((r) => (r.ok ? { ...r, cached: true } : r));
    const call = callModel(deps, limiterFor(model), model, prompt, hooks.signal);
    cache.set(key, call);
    // Failures are not cached: the next identical prompt tries again.
    void call.then(
      (r) => (r.ok ? undefined : cache.delete(key)),
      () => cache.delete(key),
    );
    return call;
  };

  /** The graded part of a cell: the grader's (or judge's) verdict on the answer, or why there is none. */
  const gradeAnswer = async (
    answer: CallResult,
    prompt: string,
    expected: string,
  ): Promise<Pick<RunCell, 'answer' | 'outcome' | 'error'>> => {
    if (!answer.ok) {
      return {
        outcome: answer.code === 'model.aborted' ? 'cancelled' : 'error',
        answer: undefined,
        error: `${answer.code}: ${answer.message}`,
      };
    }
    if (input.grader.type === 'judge') {
      const verdict =
        judgeModel?.ok && judgeTally
          ? await judge(deps, judgeTally, prompt, expected, answer.text, hooks.signal)
          : undefined;
      return { answer, outcome: verdict ?? 'ungradable' };
    }
    const g = layout?.promptfoo ? gradeExpectedCell(answer.text, expected) : grade(input.grader, answer.text, expected);
    return {
      answer,
      outcome: 'error' in g ? 'ungradable' : g.pass ? 'correct' : 'wrong',
      ...('error' in g ? { error: g.error } : {}),
    };
  };

  const runCell = async (row: number, tally: ModelTally, prompt: string, expected: string): Promise<void> => {
    const answer = await ask(tally.model, prompt);
    const graded = await gradeAnswer(answer, prompt, expected);
    const cell: RunCell = { row, model: tally.model.id, prompt, expected, ...graded, attempts: answer.attempts };
    tally.add(cell);
    if (cells.length < deps.limits.resultRows) cells.push(cell);
    const done = tallies.reduce((n, t) => n + t.cells, 0);
    const expectedCells = Math.max(
      done,
      Math.min(deps.limits.maxRunRows, fraction > 0 ? rowsSeen / fraction : rowsSeen) * tallies.length,
    );
    pacer.update(
      Math.floor(done / tallies.length),
      done,
      overallAccuracy(tallies),
      concurrencyLine(tallies),
      expectedCells,
    );
  };

  const schedule = async (task: Promise<void>): Promise<void> => {
    inFlight.add(task);
    const remove = () => inFlight.delete(task);
    void task.then(remove, remove);
    while (inFlight.size >= window) await Promise.race(inFlight);
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
        const prompt =
          typeof layout.prompt === 'number' ? (row.cells[layout.prompt] ?? '') : fillTemplate(layout.prompt, row.cells);
        const expected = row.cells[layout.expected] ?? '';
        if (prompt.trim() === '' || expected.trim() === '') {
          blankRows++;
          continue;
        }
        for (const tally of tallies) await schedule(runCell(row.row, tally, prompt, expected));
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
  cells.sort((a, b) => a.row - b.row || order.indexOf(a.model) - order.indexOf(b.model));
  return ok({
    fileName: input.file.name,
    format,
    columns: layout.names,
    grader: layout.promptfoo ? 'per-row __expected' : input.grader.type,
    models: tallies.map((t) => t.summary()),
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

const overallAccuracy = (tallies: readonly ModelTally[]): number => {
  const graded = tallies.reduce((n, t) => n + t.graded, 0);
  return graded === 0 ? 0 : tallies.reduce((n, t) => n + t.correct, 0) / graded;
};

const concurrencyLine = (tallies: readonly ModelTally[]): string =>
  tallies.map((t) => `${t.model.id}: ${t.limiter.active} in flight, limit ${t.limiter.limit}`).join(' · ');
