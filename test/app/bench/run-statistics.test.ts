import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAnswerCache } from '../../../adapters/local/file-answer-cache.ts';
import type { BenchDeps } from '../../../src/app/bench/deps.ts';
import { runReply } from '../../../src/app/bench/present-run.ts';
import { type RunInput, runBench } from '../../../src/app/bench/run-bench.ts';
import type { Reply } from '../../../src/chat/reply.ts';
import { aCatalog, aModel, benchDeps, fileOf, neverAborted } from './bench-support.ts';
import { ScriptedTextModel } from './scripted-text-model.ts';

const catalog = aCatalog([aModel('nova-lite', 0.06, 0.24), aModel('claude-haiku', 1, 5)]);
const deps = (model: ScriptedTextModel, extra: Partial<BenchDeps> = {}): BenchDeps => {
  const base = benchDeps({ textModel: model, catalog, ...extra });
  return { ...base, limits: { ...base.limits, maxConcurrency: 4, backoffMs: 1 } };
};
const run = (d: BenchDeps, input: Partial<RunInput> & Pick<RunInput, 'file'>, signal = neverAborted) =>
  runBench(d, { models: ['nova-lite'], grader: { type: 'exact' }, ...input }, { signal, onProgress: () => {} });

/** `n` rows `q<i>` -> `a<i>`. */
const questions = (n: number) =>
  fileOf('q.csv', `prompt,expected\n${Array.from({ length: n }, (_, i) => `q${i},a${i}`).join('\n')}\n`, 64);
const index = (prompt: string) => Number(prompt.slice(1));
const answerOf = (prompt: string) => prompt.replace(/^q/, 'a');

const textOf = (reply: Reply): string =>
  reply.kind === 'composite'
    ? reply.parts
        .map((p) => (p.kind === 'table' ? [p.columns, ...p.rows].flat().join(' ') : p.kind === 'text' ? p.text : ''))
        .join('\n')
    : '';
const csvOf = (reply: Reply): string[] =>
  reply.kind === 'composite'
    ? new TextDecoder()
        .decode(reply.files?.find((f) => f.name.endsWith('.csv'))?.data)
        .trimEnd()
        .split('\r\n')
    : [];

describe('run mode statistics', () => {
  it('compares two models on the same rows with McNemar and says the difference is real', async () => {
    // 200 rows: claude right on all but 10, nova wrong on 40 (including claude's 10): b=30 discordant one way.
    const model = new ScriptedTextModel(({ model: m, prompt }) => {
      const i = index(prompt);
      const right = m === 'claude-haiku' ? i >= 10 : i >= 40;
      return { answer: right ? answerOf(prompt) : 'no' };
    });
    const result = await run(deps(model), { file: questions(200), models: ['nova-lite', 'claude-haiku'] });
    if (!result.ok) throw new Error(result.error.message);
    const [nova, claude] = result.value.models;
    expect(nova?.accuracy).toBeCloseTo(0.8, 12);
    // scipy: binomtest(160, 200).proportion_ci(method='wilson') -> (0.7391448134346212, 0.8495479907390189)
    expect(nova?.figures.ci.low).toBeCloseTo(0.7391448134346212, 12);
    expect(nova?.figures.ci.high).toBeCloseTo(0.8495479907390189, 12);
    expect(claude?.accuracy).toBeCloseTo(0.95, 12);
    const [c] = result.value.comparisons;
    expect(c).toMatchObject({
      first: 'nova-lite',
      second: 'claude-haiku',
      rows: 200,
      test: 'McNemar',
      significant: true,
    });
    expect(c?.diff).toBeCloseTo(-0.15, 12);
    // scipy: binomtest(0, 30).pvalue = 1.862645149230957e-09
    expect(c?.pValue).toBeCloseTo(1.862645149230957e-9, 15);
    expect(c?.ci.high).toBeLessThan(0);
    const reply = await runReply(deps(model), result.value, () => {});
    expect(textOf(reply)).toMatch(
      /claude-haiku beats nova-lite by 15\.0 points \(95% CI \d+\.\d–\d+\.\d; McNemar p = < 0\.001; 200 rows\)/,
    );
    expect(textOf(reply)).toContain('80.0% (160/200, CI 73.9–85.0)');
  });

  it('says "no significant difference" when two models differ by noise', async () => {
    // 100 rows; nova wrong on rows 0-9, claude on rows 5-16: 5 vs 7 discordant rows.
    const model = new ScriptedTextModel(({ model: m, prompt }) => {
      const i = index(prompt);
      const wrong = m === 'nova-lite' ? i < 10 : i >= 5 && i < 17;
      return { answer: wrong ? 'no' : answerOf(prompt) };
    });
    const result = await run(deps(model), { file: questions(100), models: ['nova-lite', 'claude-haiku'] });
    if (!result.ok) throw new Error(result.error.message);
    const [c] = result.value.comparisons;
    // scipy: binomtest(5, 12).pvalue = 0.7744140625
    expect(c?.pValue).toBeCloseTo(0.7744140625, 12);
    expect(c?.significant).toBe(false);
    const reply = await runReply(deps(model), result.value, () => {});
    expect(textOf(reply)).toContain('nova-lite vs claude-haiku: no significant difference (+2.0 points');
  });

  it('repeats each row, bypassing the in-run cache, and finds the flaky rows (pass@1, pass^N)', async () => {
    // Row i answers right on attempt k unless (i < 6 and k is even): rows 0-5 flip, the rest always pass.
    const attempts = new Map<string, number>();
    const model = new ScriptedTextModel(({ prompt }) => {
      const k = (attempts.get(prompt) ?? 0) + 1;
      attempts.set(prompt, k);
      return { answer: index(prompt) < 6 && k % 2 === 0 ? 'no' : answerOf(prompt) };
    });
    const result = await run(deps(model, {}), { file: questions(20), repeat: 3 });
    if (!result.ok) throw new Error(result.error.message);
    expect(model.calls).toHaveLength(60);
    const [nova] = result.value.models;
    expect(nova?.cells).toBe(60);
    // pass@1: rows 0-5 pass 2 of 3, rows 6-19 pass 3 of 3 -> (6 * 2/3 + 14) / 20 = 0.9
    expect(nova?.figures.accuracy).toBeCloseTo(0.9, 12);
    expect(nova?.figures.passAll?.rate).toBeCloseTo(14 / 20, 12);
    expect(nova?.figures.flakyRows).toEqual([2, 3, 4, 5, 6, 7]);
    expect(nova?.figures.ci.low).toBeLessThan(0.9);
    expect(nova?.figures.ci.high).toBeGreaterThan(0.9);
    const reply = await runReply(deps(model), result.value, () => {});
    const text = textOf(reply);
    expect(text).toContain('pass^3 (95% CI)');
    expect(text).toContain('Flaky rows (outcome changed between the 3 attempts): nova-lite 6.');
    const csv = csvOf(reply);
    expect(csv[0]).toContain('row,model,repeat,prompt,expected,answer,outcome,score,failed_assertions,flaky');
    expect(csv.filter((l) => l.startsWith('2,nova-lite,'))).toHaveLength(3);
    expect(csv.filter((l) => /^2,nova-lite,\d,.*,true,/.test(l))).toHaveLength(3);
  });

  it('refuses a repeat count out of range with how to fix it', async () => {
    const model = new ScriptedTextModel(() => ({ answer: 'x' }));
    const result = await run(deps(model), { file: questions(1), repeat: 50 });
    expect(!result.ok && result.error).toMatchObject({
      code: 'bench.bad_repeat',
      hint: expect.stringContaining('repeat:3'),
    });
  });

  it('reads promptfoo CSV tests as they are: several assertions, threshold, description, metadata', async () => {
    const file = fileOf(
      'tests.csv',
      [
        'question,__expected1,__expected2,__threshold,__description,__metadata:topic',
        'capital of France?,icontains:paris,not-contains:Lyon,,capital,geo',
        'JSON for one?,is-json,contains:1,,json,format',
        'say hi,starts-with:Hi,icontains:there,0.5,greeting,chat',
        'run code,javascript:output.length > 1,,,code,misc',
      ].join('\n'),
    );
    const model = new ScriptedTextModel(({ prompt }) => ({
      answer: prompt.startsWith('capital') ? 'It is Paris.' : prompt.startsWith('JSON') ? '{"n": 1}' : 'Hi!',
    }));
    const result = await run(deps(model), { file });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.columns).toEqual({ prompt: 'question', expected: '__expected1, __expected2' });
    expect(result.value.cells.map((c) => [c.outcome, c.score])).toEqual([
      ['correct', 1],
      ['correct', 1],
      ['correct', 0.5],
      ['ungradable', 0],
    ]);
    expect(result.value.cells[3]?.error).toContain('`javascript`');
    expect(result.value.models[0]?.assertionRates.map((r) => [r.type, r.passed, r.ran])).toEqual(
      [
        ['icontains', 1, 1],
        ['not-contains', 1, 1],
        ['is-json', 1, 1],
        ['contains', 1, 1],
        ['starts-with', 1, 1],
        ['icontains', 0, 1],
      ].reduce<[string, number, number][]>((acc, [t, p, r]) => {
        const hit = acc.find((a) => a[0] === t);
        if (hit) {
          hit[1] += p as number;
          hit[2] += r as number;
        } else acc.push([t as string, p as number, r as number]);
        return acc;
      }, []),
    );
    const csv = csvOf(await runReply(deps(model), result.value, () => {}));
    expect(csv[0]).toMatch(/,description,metadata:topic$/);
    expect(csv[3]).toMatch(/,greeting,chat$/);
  });

  describe('resume', () => {
    let dir = '';
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a cancelled run keeps its finished answers; the same file continues and says how many were reused', async () => {
      dir = await mkdtemp(join(tmpdir(), 'bench-cache-'));
      const controller = new AbortController();
      const first = new ScriptedTextModel(({ prompt, n }) => {
        if (n === 15) controller.abort();
        return { answer: answerOf(prompt), delayMs: 2 };
      });
      const cancelled = await run(
        deps(first, { answers: new FileAnswerCache(dir) }),
        { file: questions(40) },
        controller.signal,
      );
      if (!cancelled.ok) throw new Error(cancelled.error.message);
      expect(cancelled.value.stopped?.code).toBe('bench.cancelled');
      const finished = cancelled.value.models[0]?.correct ?? 0;
      expect(finished).toBeGreaterThan(5);

      // A new process (a new cache object over the same folder), the same file: only the rest is asked.
      const second = new ScriptedTextModel(({ prompt }) => ({ answer: answerOf(prompt) }));
      const resumed = await run(deps(second, { answers: new FileAnswerCache(dir) }), { file: questions(40) });
      if (!resumed.ok) throw new Error(resumed.error.message);
      expect(resumed.value.models[0]).toMatchObject({ cells: 40, correct: 40, reused: finished });
      expect(second.calls).toHaveLength(40 - finished);
      const reply = await runReply(deps(second), resumed.value, () => {});
      expect(textOf(reply)).toContain(`Resumed: ${finished} of 40 answers were reused`);

      // fresh:true asks everything again.
      const third = new ScriptedTextModel(({ prompt }) => ({ answer: answerOf(prompt) }));
      await run(deps(third, { answers: new FileAnswerCache(dir) }), { file: questions(40), fresh: true });
      expect(third.calls).toHaveLength(40);
    });
  });
});
