import { describe, expect, it } from 'vitest';
import type { BenchDeps } from '../../../src/app/bench/deps.ts';
import { type RunInput, runBench } from '../../../src/app/bench/run-bench.ts';
import { aCatalog, aModel, benchDeps, fileAt, fileOf, neverAborted, sharedData } from './bench-support.ts';
import { type ScriptedStep, ScriptedTextModel } from './scripted-text-model.ts';

const catalog = aCatalog([aModel('nova-lite', 0.06, 0.24), aModel('claude-haiku', 1, 5), aModel('judge-model')]);

/** Rows `q<i>` -> expected `a<i>`; the scripted models answer `a<i>` unless told otherwise. */
const questions = (n: number) =>
  fileOf('q.csv', `prompt,expected\n${Array.from({ length: n }, (_, i) => `q${i},a${i}`).join('\n')}\n`, 64);
const answerOf = (prompt: string) => prompt.replace(/^q/, 'a');

function depsWith(model: ScriptedTextModel, limits: Partial<BenchDeps['limits']> = {}): BenchDeps {
  const base = benchDeps({ textModel: model, catalog });
  return { ...base, limits: { ...base.limits, maxConcurrency: 4, backoffMs: 1, ...limits } };
}

const run = (deps: BenchDeps, input: Partial<RunInput> & Pick<RunInput, 'file'>, signal = neverAborted) =>
  runBench(deps, { models: ['nova-lite'], grader: { type: 'normalized' }, ...input }, { signal, onProgress: () => {} });

describe('runBench', () => {
  it('completes every row under throttling, paced by an adaptive send rate', async () => {
    // A rate limit that bites during calls 5-40: more than one call in flight is throttled.
    const model = new ScriptedTextModel(
      ({ prompt, concurrent, n }): ScriptedStep =>
        n >= 5 && n <= 40 && concurrent > 1 ? { fail: 'model.throttled' } : { answer: answerOf(prompt), delayMs: 3 },
    );
    const result = await run(depsWith(model, { maxAttempts: 20 }), { file: questions(80) });
    if (!result.ok) throw new Error(result.error.message);
    const [summary] = result.value.models;
    expect(summary).toMatchObject({ cells: 80, graded: 80, correct: 80, errors: 0 });
    expect(summary?.throttles).toBeGreaterThan(0);
    expect(summary?.settledRate).toBeGreaterThan(0);
    expect(summary?.peakInFlight).toBeLessThanOrEqual(4);
    expect(model.maxConcurrent).toBeLessThanOrEqual(4);
    expect(result.value.cells.every((c) => c.outcome === 'correct')).toBe(true);
  });

  it('runs up to four models side by side with tokens, cost and latency percentiles', async () => {
    const model = new ScriptedTextModel(({ model: m, prompt }) => ({
      answer: m === 'claude-haiku' ? answerOf(prompt) : 'nope',
      inputTokens: 1000,
      outputTokens: 100,
    }));
    const result = await run(depsWith(model), { file: questions(10), models: ['nova-lite', 'claude-haiku'] });
    if (!result.ok) throw new Error(result.error.message);
    const [nova, haiku] = result.value.models;
    expect(nova).toMatchObject({ accuracy: 0, inputTokens: 10_000, outputTokens: 1000 });
    expect(haiku).toMatchObject({ accuracy: 1 });
    expect(haiku?.costUsd).toBeCloseTo((10_000 * 1 + 1000 * 5) / 1e6, 10);
    expect(haiku?.p50Ms).toBeGreaterThan(0);
    expect(haiku?.p95Ms).toBeGreaterThanOrEqual(haiku?.p50Ms ?? 0);
    expect(result.value.cells.map((c) => `${c.row}:${c.model}`).slice(0, 4)).toEqual([
      '2:nova-lite',
      '2:claude-haiku',
      '3:nova-lite',
      '3:claude-haiku',
    ]);
  });

  it('reports progress that climbs to 100 % with running accuracy', async () => {
    const model = new ScriptedTextModel(({ prompt }) => ({ answer: prompt.endsWith('0') ? 'no' : answerOf(prompt) }));
    const seen: { fraction: number | undefined; accuracy: number; rowsDone: number }[] = [];
    const result = await runBench(
      depsWith(model),
      { file: questions(30), models: ['nova-lite', 'claude-haiku'], grader: { type: 'exact' } },
      { signal: neverAborted, onProgress: (p) => seen.push(p) },
    );
    expect(result.ok).toBe(true);
    expect(seen[0]?.fraction).toBeLessThan(0.2);
    expect(seen.at(-1)).toMatchObject({ fraction: 1, rowsDone: 30, accuracy: 0.9 });
    const fractions = seen.map((p) => p.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('asks identical prompts once per model', async () => {
    const model = new ScriptedTextModel(({ prompt }) => ({ answer: answerOf(prompt) }));
    const file = fileOf('dupes.csv', `prompt,expected\n${'q1,a1\nq2,a2\n'.repeat(10)}`);
    const result = await run(depsWith(model, { maxConcurrency: 1 }), { file });
    if (!result.ok) throw new Error(result.error.message);
    expect(model.calls).toHaveLength(2);
    expect(result.value.models[0]).toMatchObject({ cells: 20, correct: 20, cacheHits: 18 });
  });

  it('abandons a call that exceeds the row timeout and retries it', async () => {
    const model = new ScriptedTextModel(({ prompt, n }) => (n === 1 ? { hang: true } : { answer: answerOf(prompt) }));
    const result = await run(depsWith(model, { rowTimeoutMs: 300, maxConcurrency: 1 }), { file: questions(3) });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.models[0]).toMatchObject({ correct: 3, errors: 0, retries: 1 });
  });

  it('does not retry a model that does not exist, and says why in the summary', async () => {
    const model = new ScriptedTextModel(() => ({ fail: 'model.not_found' }));
    const result = await run(depsWith(model), { file: questions(3) });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.models[0]).toMatchObject({
      errors: 3,
      retries: 0,
      firstError: 'model.not_found: scripted model.not_found',
    });
    expect(model.calls).toHaveLength(3);
  });

  it('grades with a judge model through its own limiter', async () => {
    const model = new ScriptedTextModel(({ model: m, prompt }) => {
      if (m === 'judge-model') return { answer: /<answer>a\d+<\/answer>/.test(prompt) ? 'PASS' : 'FAIL' };
      return { answer: prompt === 'q0' ? 'wrong' : answerOf(prompt) };
    });
    const result = await run(depsWith(model), { file: questions(4), grader: { type: 'judge', model: 'judge-model' } });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.models[0]).toMatchObject({ graded: 4, correct: 3 });
    expect(result.value.judge).toMatchObject({ cells: 4 });
  });

  it('fills a template from the real SST-2 file and stops at the row cap', async () => {
    const model = new ScriptedTextModel(({ prompt }) => ({ answer: prompt.includes('encantadora') ? '1' : '0' }));
    const result = await run(depsWith(model, { maxRunRows: 20 }), {
      file: fileAt(sharedData('sst2-pt-dev.tsv')),
      template: 'Sentimento (1 positivo, 0 negativo): {sentence}',
      expected: 'label',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      rowsRead: 20,
      capped: true,
      columns: { prompt: 'template “Sentimento (1 positivo, 0 negativo): {sentence}”', expected: 'label' },
    });
    expect(model.calls[0]?.prompt).toBe(
      'Sentimento (1 positivo, 0 negativo): é uma jornada encantadora e freqüentemente afetando.',
    );
    expect(result.value.models[0]?.graded).toBe(20);
  });

  it('stops when cancelled and reports the rows it finished', async () => {
    const controller = new AbortController();
    const model = new ScriptedTextModel(({ prompt, n }) => {
      if (n === 10) controller.abort();
      return { answer: answerOf(prompt), delayMs: 5 };
    });
    const result = await run(depsWith(model, { maxConcurrency: 2 }), { file: questions(200) }, controller.signal);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.stopped?.code).toBe('bench.cancelled');
    expect(result.value.models[0]?.correct).toBeGreaterThan(0);
    expect(result.value.rowsRead).toBeLessThan(200);
  });

  it('honours promptfoo __expected cells: each row brings its own grader', async () => {
    const model = new ScriptedTextModel(({ prompt }) => ({ answer: `The answer is ${prompt.length * 10}` }));
    const file = fileOf(
      'pf.csv',
      'question,__expected\nab,contains:answer is 20\nabc,numeric(1):31\nabcd,regex:^The answer is \\d+$\nabcde,not-contains:50\n',
    );
    const result = await run(depsWith(model), { file });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.grader).toBe('promptfoo assertions per row');
    expect(result.value.cells.map((c) => c.outcome)).toEqual(['correct', 'correct', 'correct', 'wrong']);
  });

  it('refuses unknown models, too many models, and a file without a prompt column', async () => {
    const deps = depsWith(new ScriptedTextModel(() => ({ answer: 'x' })));
    const unknown = await run(deps, { file: questions(1), models: ['gpt-9'] });
    expect(!unknown.ok && unknown.error).toMatchObject({
      code: 'bench.unknown_model',
      hint: expect.stringContaining('`nova-lite`'),
    });
    const many = await run(deps, { file: questions(1), models: ['a', 'b', 'c', 'd', 'e'] });
    expect(!many.ok && many.error.code).toBe('bench.bad_models');
    const noPrompt = await run(deps, { file: fileOf('x.csv', 'id,expected\n1,a\n') });
    expect(!noPrompt.ok && noPrompt.error).toMatchObject({
      code: 'bench.missing_column',
      hint: expect.stringContaining('template:'),
    });
  });
});
