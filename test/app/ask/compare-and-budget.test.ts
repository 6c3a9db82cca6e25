import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../../../src/app/ask/ask.ts';
import { compare, parseModelList } from '../../../src/app/ask/compare.ts';
import type { Conversation } from '../../../src/domain/models/conversation.ts';
import { askDepsFor, askOnFakeBedrock } from '../../support/ask-deps.ts';
import { type FakeBedrock, failures, startFakeBedrock } from '../../support/fake-bedrock.ts';
import { aCatalog, aModel } from '../../support/models.ts';

const keyOf = (modelId: string) => /us\.test\.(\w+)-v1/.exec(modelId)?.[1] ?? '';

describe('compare', () => {
  const bedrock = askOnFakeBedrock();

  it('asks 2-4 models concurrently and keeps each answer or failure in the order asked', async () => {
    // a answers only once c's request has arrived: a sequential compare would never finish.
    const cArrived = Promise.withResolvers<void>();
    bedrock.fake.setHandler(async (_r, modelId) => {
      const key = keyOf(modelId);
      if (key === 'c') cArrived.resolve();
      if (key === 'a') await cArrived.promise;
      if (key === 'b') return { fail: failures.accessDenied() };
      return { chunks: [`answer ${key}`], usage: { inputTokens: 10, outputTokens: 20 } };
    });
    const progress: number[] = [];
    const result = await compare(bedrock.deps, {
      prompt: 'q',
      models: parseModelList('a, b,c'),
      onProgress: (done) => progress.push(done.length),
    });
    if (!result.ok) throw new Error(result.error.message);
    const [a, b, c] = result.value.attempts;
    expect(a).toMatchObject({ ok: true, text: 'answer a', usage: { inputTokens: 10, outputTokens: 20 } });
    expect(a?.ok && a.costUsd).toBeCloseTo(0.00005);
    expect(b).toMatchObject({ ok: false, code: 'model.access_denied' });
    expect(c).toMatchObject({ ok: true, text: 'answer c' });
    expect(progress).toEqual([1, 2, 3]);
    expect(bedrock.fake.requests).toHaveLength(3);
  });

  it('needs 2 to 4 known models', async () => {
    expect(await compare(bedrock.deps, { prompt: 'q', models: ['a', 'A'] })).toMatchObject({
      ok: false,
      error: { code: 'ask.compare_count' },
    });
    expect(await compare(bedrock.deps, { prompt: 'q', models: ['a', 'zz'] })).toMatchObject({
      ok: false,
      error: { code: 'ask.unknown_model' },
    });
    expect(await compare(bedrock.deps, { prompt: 'q', models: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({
      ok: false,
    });
    expect(bedrock.fake.requests).toHaveLength(0);
  });
});

describe('token budget in ask', () => {
  let fake: FakeBedrock;
  beforeAll(async () => {
    fake = await startFakeBedrock(() => ({ chunks: ['ok'], countTokens: 50 }));
  });
  afterAll(async () => {
    await fake.close();
  });

  const tiny = aModel('tiny', { contextWindow: 600, maxOutputTokens: 100 });
  const big = aModel('big', { contextWindow: 100_000 });
  const longHistory: Conversation = {
    key: 't',
    modelId: 'tiny',
    updatedAt: '2026-11-24T10:00:00.000Z',
    turns: Array.from({ length: 6 }, (_, i) => [
      { role: 'user' as const, text: `q${i} ${'x'.repeat(400)}` },
      { role: 'assistant' as const, text: `a${i} ${'y'.repeat(400)}` },
    ]).flat(),
  };

  it('trims the oldest history turns to fit and reserves the output', async () => {
    const deps = askDepsFor(fake.endpoint, { catalog: aCatalog([tiny, big]) });
    fake.requests.length = 0;
    const result = await ask(deps, { prompt: 'latest?', continuing: longHistory });
    deps.destroy();
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.droppedTurns).toBeGreaterThan(0);
    const sent = fake.requests.at(-1)?.body;
    expect(sent?.messages?.[0]?.role).toBe('user');
    expect(sent?.messages?.at(-1)?.content[0]).toEqual({ text: 'latest?' });
    expect(sent?.inferenceConfig?.maxTokens).toBe(100);
    // The stored conversation keeps everything; only the request was trimmed.
    expect(result.value.turns).toHaveLength(14);
  });

  it('refuses a prompt too long for the chosen model, naming larger ones, without calling it', async () => {
    const deps = askDepsFor(fake.endpoint, { catalog: aCatalog([tiny, big]) });
    fake.requests.length = 0;
    const result = await ask(deps, { prompt: 'z'.repeat(3_000), model: 'tiny' });
    deps.destroy();
    expect(result).toMatchObject({ ok: false, error: { code: 'ask.prompt_too_long' } });
    expect(!result.ok && result.error.hint).toContain('`big`');
    expect(fake.requests).toHaveLength(0);
  });

  it('asks CountTokens for models that support it and trusts the count', async () => {
    const counting = aModel('counting', { supportsCountTokens: true, contextWindow: 600, maxOutputTokens: 100 });
    const deps = askDepsFor(fake.endpoint, { catalog: aCatalog([counting]) });
    fake.requests.length = 0;
    // ~700 local tokens of history, but the model counts 50: nothing is trimmed.
    const result = await ask(deps, {
      prompt: 'q',
      continuing: { ...longHistory, modelId: 'counting', turns: longHistory.turns.slice(0, 4) },
    });
    deps.destroy();
    expect(result.ok && result.value.droppedTurns).toBe(0);
    expect(fake.requests.map((r) => r.operation)).toEqual(['count-tokens', 'converse-stream']);
    expect(fake.requests[0]?.modelId).toBe('test.counting-v1:0');
  });

  it('skips the CountTokens round trip when the estimate is far below the window', async () => {
    const counting = aModel('counting', { supportsCountTokens: true });
    const deps = askDepsFor(fake.endpoint, { catalog: aCatalog([counting]) });
    fake.requests.length = 0;
    expect((await ask(deps, { prompt: 'short question' })).ok).toBe(true);
    deps.destroy();
    expect(fake.requests.map((r) => r.operation)).toEqual(['converse-stream']);
  });
});
