import { describe, expect, it } from 'vitest';
import { type AskProgress, ask, rememberAnswer } from '../../../src/app/ask/ask.ts';
import { askDepsFor, askOnFakeBedrock } from '../../support/ask-deps.ts';
import { failures, type Script } from '../../support/fake-bedrock.ts';
import { aCatalog, aModel } from '../../support/models.ts';

// Models a (default), b and c (the fallback chain), called on Bedrock as us.test.<key>-v1:0.
const byModel = (scripts: Record<string, Script>) => (_req: unknown, modelId: string) =>
  scripts[/us\.test\.(\w+)-v1/.exec(modelId)?.[1] ?? ''] ?? {};

describe('ask', () => {
  const bedrock = askOnFakeBedrock();

  it('streams the default model, reporting the text so far, with tokens and cost', async () => {
    bedrock.fake.setHandler(
      byModel({ a: { chunks: ['Blue', ' light', ' scatters.'], usage: { inputTokens: 1000, outputTokens: 500 } } }),
    );
    const seen: string[] = [];
    const result = await ask(bedrock.deps, {
      prompt: '  Why is the sky blue?  ',
      onProgress: (p) => seen.push(p.text),
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      text: 'Blue light scatters.',
      failed: [],
      usage: { inputTokens: 1000, outputTokens: 500 },
    });
    expect(result.value.model.id).toBe('a');
    expect(result.value.costUsd).toBeCloseTo(0.002); // 1000 x $1/M + 500 x $2/M
    expect(result.value.latencyMs).toBeGreaterThan(0);
    expect(seen).toEqual(['', 'Blue', 'Blue light', 'Blue light scatters.']);
    expect(bedrock.fake.requests[0]?.body.messages?.[0]?.content).toEqual([{ text: 'Why is the sky blue?' }]);
  });

  it('falls back after partial output and says why the first model did not answer', async () => {
    bedrock.fake.setHandler(
      byModel({
        a: { chunks: ['Half', ' an', ' answer'], fail: failures.midStream(2) },
        b: { chunks: ['Whole answer.'] },
      }),
    );
    const progress: AskProgress[] = [];
    const result = await ask(bedrock.deps, { prompt: 'q', onProgress: (p) => progress.push(p) });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.text).toBe('Whole answer.');
    expect(result.value.model.id).toBe('b');
    expect(result.value.failed).toEqual([
      expect.objectContaining({ code: 'model.stream_failed', partialText: 'Half an' }),
    ]);
    // After the switch the progress restarts from empty text for the new model, with the failure attached.
    const switched = progress.find((p) => p.model.id === 'b');
    expect(switched).toMatchObject({ text: '', failed: [expect.objectContaining({ code: 'model.stream_failed' })] });
  });

  it('walks the chain past throttling and access denied', async () => {
    bedrock.fake.setHandler(
      byModel({ a: { fail: failures.throttled() }, b: { fail: failures.accessDenied() }, c: { chunks: ['c here'] } }),
    );
    const result = await ask(bedrock.deps, { prompt: 'q' });
    expect(result.ok && result.value.model.id).toBe('c');
    expect(result.ok && result.value.failed.map((f) => f.code)).toEqual(['model.throttled', 'model.access_denied']);
  });

  it('starts with the chosen model and skips it in the chain', async () => {
    bedrock.fake.setHandler(byModel({ b: { fail: failures.unavailable() }, c: { chunks: ['c here'] } }));
    const result = await ask(bedrock.deps, { prompt: 'q', model: 'B' });
    expect(result.ok && result.value.model.id).toBe('c');
    expect(bedrock.fake.requests.map((r) => r.modelId)).toEqual(['us.test.b-v1:0', 'us.test.c-v1:0']);
  });

  it('reports every model when all fail, and stops at once on a bad request', async () => {
    bedrock.fake.setHandler(() => ({ fail: failures.throttled() }));
    const all = await ask(bedrock.deps, { prompt: 'q' });
    expect(all).toMatchObject({ ok: false, error: { code: 'ask.all_models_failed' } });
    expect(!all.ok && all.error.message).toMatch(/Model a: .*throttled[\s\S]*Model b[\s\S]*Model c/);
    bedrock.fake.requests.length = 0;
    bedrock.fake.setHandler(() => ({ fail: failures.validation('bad') }));
    expect(await ask(bedrock.deps, { prompt: 'q' })).toMatchObject({
      ok: false,
      error: { code: 'model.invalid_request' },
    });
    expect(bedrock.fake.requests).toHaveLength(1);
  });

  it('says the model is not enabled when it is the only one', async () => {
    const solo = askDepsFor(bedrock.fake.endpoint, { catalog: aCatalog([aModel('a')]) });
    bedrock.fake.setHandler(() => ({ fail: failures.accessDenied() }));
    const result = await ask(solo, { prompt: 'q' });
    solo.destroy();
    expect(result).toMatchObject({ ok: false, error: { code: 'ask.model_not_enabled' } });
    expect(!result.ok && result.error.hint).toMatch(/Model access/);
  });

  it('rejects bad input with clear codes before calling any model', async () => {
    expect(await ask(bedrock.deps, { prompt: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'ask.empty_prompt' },
    });
    expect(await ask(bedrock.deps, { prompt: 'x'.repeat(4001) })).toMatchObject({
      ok: false,
      error: { code: 'ask.prompt_too_long' },
    });
    const unknown = await ask(bedrock.deps, { prompt: 'q', model: 'gpt-9' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'ask.unknown_model' } });
    expect(!unknown.ok && unknown.error.hint).toContain('`a`, `b`, `c`');
    expect(await ask(bedrock.deps, { prompt: 'q', template: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'ask.template_not_found' },
    });
    expect(bedrock.fake.requests).toHaveLength(0);
  });

  it('applies a template: system prompt and wrapper', async () => {
    bedrock.fake.setHandler(() => ({}));
    const result = await ask(bedrock.deps, { prompt: 'where is the gold?', template: 'pirate' });
    expect(result.ok && result.value.templateName).toBe('pirate');
    expect(bedrock.fake.requests[0]?.body.system).toEqual([{ text: 'You are a pirate.' }]);
    expect(bedrock.fake.requests[0]?.body.messages?.[0]?.content).toEqual([
      { text: 'Arr, answer this: where is the gold?' },
    ]);
  });

  it('remembers the exchange and continues it with history, model and system prompt', async () => {
    bedrock.fake.setHandler(() => ({ chunks: ['Paris.'] }));
    const first = await ask(bedrock.deps, { prompt: 'Capital of France?', model: 'b', template: 'pirate' });
    if (!first.ok) throw new Error(first.error.message);
    await rememberAnswer(bedrock.deps, 'thread-1', first.value);
    const stored = await bedrock.deps.conversations.get('thread-1');
    expect(stored).toMatchObject({ modelId: 'b', templateName: 'pirate', updatedAt: '2026-11-24T10:00:00.000Z' });
    bedrock.fake.requests.length = 0;
    const next = await ask(bedrock.deps, { prompt: 'And of Italy?', ...(stored ? { continuing: stored } : {}) });
    expect(next.ok && next.value.turns).toHaveLength(4);
    const sent = bedrock.fake.requests[0];
    expect(sent?.modelId).toBe('us.test.b-v1:0');
    expect(sent?.body.system).toEqual([{ text: 'You are a pirate.' }]);
    expect(sent?.body.messages?.map((m) => m.content[0]?.text)).toEqual([
      'Arr, answer this: Capital of France?',
      'Paris.',
      'And of Italy?',
    ]);
  });
});
