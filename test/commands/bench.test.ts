import { describe, expect, it } from 'vitest';
import { benchCommand } from '../../commands/bench.ts';
import { commands } from '../../commands/index.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import { renderMarkdown } from '../../src/chat/render-markdown.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { aCatalog, aModel, benchDeps, fileAt, fileOf, fixture } from '../app/bench/bench-support.ts';
import { ScriptedTextModel } from '../app/bench/scripted-text-model.ts';
import { aCommandContext } from '../support/command-context.ts';

const PNG = [0x89, 0x50, 0x4e, 0x47];

function composite(reply: Reply) {
  if (reply.kind !== 'composite') throw new Error(`expected a composite reply, got ${renderMarkdown(reply)}`);
  return reply;
}

describe('/bench score mode', () => {
  it('is registered', () => {
    expect(commands).toContain(benchCommand);
  });

  it('answers with a summary, per-class table, confusion matrix, chart PNG and results CSV', async () => {
    const ctx = aCommandContext({ deps: { bench: benchDeps() } });
    const reply = composite(await runCommand(benchCommand, ctx, { file: fileAt(fixture('bom-semicolon.csv')) }));
    const text = renderMarkdown(reply);
    expect(text).toContain('Accuracy 66.7%');
    expect(text).toMatch(/Macro-F1 \d\.\d{3} \(95% CI \d\.\d{3}–\d\.\d{3}, bootstrap\)/);
    expect(text).toContain('Expected: `Label` · prediction: `Output`');
    expect(text).toContain('Per class');
    expect(text).toContain('Confusion matrix');
    expect(reply.files?.map((f) => f.name)).toEqual(['bench-chart.png', 'bench-results.csv']);
    expect([...(reply.files?.[0]?.data.subarray(0, 4) ?? [])]).toEqual(PNG);
  });

  it('shows progress with a bar and running accuracy, cancellable', async () => {
    const ctx = aCommandContext({ deps: { bench: benchDeps() } });
    const file = fileOf('big.csv', `prediction,expected\n${'a,a\n'.repeat(30_000)}`, 4096);
    await runCommand(benchCommand, ctx, { file });
    const texts = ctx.reply.progressTexts;
    expect(texts.length).toBeGreaterThan(0);
    expect(texts[0]).toMatch(/[▓░]{20} \d+%/);
    expect(texts[0]).toContain('accuracy so far 100.0%');
  });

  it('turns bad input into a clear error reply', async () => {
    const ctx = aCommandContext({ deps: { bench: benchDeps() } });
    const reply = await runCommand(benchCommand, ctx, { file: fileAt(fixture('missing-column.csv')) });
    expect(reply).toMatchObject({ kind: 'error', code: 'bench.missing_column' });
    const judge = await runCommand(benchCommand, ctx, { file: fileAt(fixture('basic.csv')), grader: 'judge' });
    expect(judge).toMatchObject({ kind: 'error', code: 'bench.judge_needs_run' });
    const pdf = await runCommand(benchCommand, ctx, { file: fileOf('report.pdf', '%PDF-1.4') });
    expect(pdf).toMatchObject({ kind: 'error', code: 'input.bad_file_type' });
  });

  it('scores predictions against a second file, row by row', async () => {
    const ctx = aCommandContext({ deps: { bench: benchDeps() } });
    const file = fileOf('preds.csv', 'predicted\npos\nneg\npos\n');
    const expected_file = fileOf('gold.csv', 'ground_truth\npos\npos\npos\n');
    const reply = composite(await runCommand(benchCommand, ctx, { file, expected_file }));
    const text = renderMarkdown(reply);
    expect(text).toContain('Accuracy 66.7%');
    expect(text).toContain('Paired by position: both files have 3 rows.');
    const run = await runCommand(benchCommand, ctx, { file, expected_file, models: 'nova-lite' });
    expect(run).toMatchObject({ kind: 'error', code: 'bench.expected_file_in_run' });
  });

  it('puts a half-done run in front of its partial figures', async () => {
    const ctx = aCommandContext({ deps: { bench: benchDeps() } });
    const file = fileOf('half.csv', `prediction,expected\n${'a,a\n'.repeat(100)}"oops,a\n`, 64);
    const reply = composite(await runCommand(benchCommand, ctx, { file }));
    expect(reply.parts[0]).toMatchObject({ kind: 'error', code: 'bench.malformed_csv' });
    expect(renderMarkdown(reply)).toContain('Accuracy 100.0%** (100 of 100 scored rows; 95% CI 96.3%–100.0%)');
  });
});

describe('/bench run mode', () => {
  const catalog = aCatalog([aModel('nova-lite', 0.06, 0.24), aModel('claude-haiku', 1, 5)]);

  it('answers with a per-model table, a chart and one CSV row per input row and model', async () => {
    const model = new ScriptedTextModel(({ model: m, prompt }) => ({
      answer: m === 'nova-lite' ? prompt.toUpperCase() : '=1+1',
    }));
    const ctx = aCommandContext({ deps: { bench: benchDeps({ textModel: model, catalog }) } });
    const file = fileOf('qa.csv', 'question,answer\nparis,PARIS\nrome,ROME\nrome,ROME\n');
    const reply = composite(
      await runCommand(benchCommand, ctx, { file, models: 'nova-lite, claude-haiku', grader: 'exact' }),
    );
    const text = renderMarkdown(reply);
    expect(text).toContain('Bench run: qa.csv');
    expect(text).toMatch(/nova-lite\s+100\.0% \(3\/3, CI 43\.9–100\.0\)/);
    expect(text).toMatch(/claude-haiku\s+0\.0% \(0\/3, CI 0\.0–56\.1\)/);
    // Three rows cannot tell them apart (McNemar p = 0.25): the report says so instead of crowning a winner.
    expect(text).toContain('nova-lite vs claude-haiku: no significant difference (+100.0 points');
    expect(text).toContain('Prompt: `question` · expected: `answer` · exact grader');
    expect(text).toContain('1 answers came from the cache');
    expect(reply.files?.map((f) => f.name)).toEqual(['bench-chart.png', 'bench-results.csv']);
    const csv = new TextDecoder().decode(reply.files?.[1]?.data).trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + 3 * 2);
    expect(csv[2]).toMatch(/^2,claude-haiku,1,paris,PARIS,'=1\+1,wrong,/);
    expect(model.calls).toHaveLength(4);
    expect(ctx.reply.progressTexts.at(-1)).toContain('nova-lite: 0 in flight');
  });

  it('needs models, and checks them', async () => {
    const ctx = aCommandContext({ deps: { bench: benchDeps({ catalog }) } });
    const none = await runCommand(benchCommand, ctx, { file: fileAt(fixture('quoted.csv')), mode: 'run' });
    expect(none).toMatchObject({ kind: 'error', code: 'bench.bad_models' });
    const unknown = await runCommand(benchCommand, ctx, { file: fileAt(fixture('quoted.csv')), models: 'gpt-9' });
    expect(unknown).toMatchObject({ kind: 'error', code: 'bench.unknown_model' });
  });

  it('runs a promptfoo test file as it is, with no options, and honours repeat', async () => {
    const model = new ScriptedTextModel(({ prompt }) => ({ answer: prompt.includes('France') ? 'Paris' : 'Rome?' }));
    const ctx = aCommandContext({ deps: { bench: benchDeps({ textModel: model, catalog }) } });
    const file = fileOf(
      'tests.csv',
      'question,__expected\ncapital of France?,icontains:paris\ncapital of Italy?,Rome\n',
    );
    const reply = composite(await runCommand(benchCommand, ctx, { file }));
    const text = renderMarkdown(reply);
    expect(text).toContain('promptfoo test file: its assertions ran with the default model `nova-lite`');
    expect(text).toContain('promptfoo assertions per row');
    expect(text).toMatch(/nova-lite\s+50\.0% \(1\/2,/);
    const repeated = composite(await runCommand(benchCommand, ctx, { file, repeat: 2 }));
    expect(renderMarkdown(repeated)).toContain('pass^2 (95% CI)');
  });
});
