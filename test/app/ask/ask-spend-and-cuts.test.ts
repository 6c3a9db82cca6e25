import { describe, expect, it } from 'vitest';
import { answerReply, progressReply } from '../../../commands/ask-replies.ts';
import { ask } from '../../../src/app/ask/ask.ts';
import type { Spend } from '../../../src/app/ask/stream-answer.ts';
import type { ModelInfo } from '../../../src/domain/models/catalog.ts';
import { askDepsFor, askOnFakeBedrock } from '../../support/ask-deps.ts';
import { failures, type Script, startFakeBedrock } from '../../support/fake-bedrock.ts';
import { aCatalog, aModel } from '../../support/models.ts';

// Models a (default), b and c (the fallback chain) at $1 / $2 per million tokens, called as us.test.<key>-v1:0.
const byModel = (scripts: Record<string, Script>) => (_req: unknown, modelId: string) =>
  scripts[/us\.test\.(\w+)-v1/.exec(modelId)?.[1] ?? ''] ?? {};

describe('ask: what failed attempts cost, and the words they had streamed', () => {
  const bedrock = askOnFakeBedrock();

  it('counts a mid-stream failure before a fallback in the total, estimated and marked (was: not counted)', async () => {
    bedrock.fake.setHandler(
      byModel({
        a: { chunks: ['x'.repeat(400), 'never'], fail: failures.midStream(1) },
        b: { chunks: ['Whole answer.'], usage: { inputTokens: 1_000, outputTokens: 100 } },
      }),
    );
    const spends: [string, Spend][] = [];
    const result = await ask(bedrock.deps, { prompt: 'q', onSpend: (m, s) => spends.push([m.id, s]) });
    if (!result.ok) throw new Error(result.error.message);
    const [failed] = result.value.failed;
    expect(failed?.spend.estimated).toBe(true);
    expect(failed?.spend.usage.outputTokens).toBeGreaterThanOrEqual(100); // 400 chars at ~4 per token, with margin
    expect(failed?.spend.usage.inputTokens).toBeGreaterThan(0);
    expect(result.value.costUsd).toBeCloseTo(0.0012, 10); // b alone: 1000 x $1/M + 100 x $2/M
    expect(result.value.spent.costUsd).toBeCloseTo(0.0012 + (failed?.spend.costUsd ?? 0), 10);
    expect(result.value.spent.estimated).toBe(true);
    expect(spends.map(([id, s]) => [id, s.estimated])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    const footer = answerReply(result.value).footer ?? '';
    expect(footer).toMatch(/· \$0\.001\d+ in all, incl\. ~\$0\.000\d+ for failed attempts \(estimated\)/);
  });

  it('does not bill calls Bedrock refused (throttled, denied): nothing to estimate', async () => {
    bedrock.fake.setHandler(
      byModel({ a: { fail: failures.throttled() }, b: { fail: failures.accessDenied() }, c: { chunks: ['c'] } }),
    );
    const spends: string[] = [];
    const result = await ask(bedrock.deps, { prompt: 'q', onSpend: (m) => spends.push(m.id) });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.failed.map((f) => f.spend.costUsd)).toEqual([0, 0]);
    expect(result.value.spent.costUsd).toBe(result.value.costUsd);
    expect(spends).toEqual(['c']);
    expect(answerReply(result.value).footer).not.toContain('in all');
  });

  it("keeps the failed attempt's text visible above the next model's answer (was: progress restarted empty)", async () => {
    bedrock.fake.setHandler(
      byModel({ a: { chunks: ['The first', ' half'], fail: failures.midStream(2) }, b: { chunks: ['Second try.'] } }),
    );
    const progress: string[] = [];
    const result = await ask(bedrock.deps, {
      prompt: 'q',
      onProgress: (p) => progress.push(progressReply(p).text),
    });
    if (!result.ok) throw new Error(result.error.message);
    const whenBStarted = progress.find((t) => t.includes('Model b is answering')) ?? '';
    expect(whenBStarted).toContain('> The first half');
    const final = answerReply(result.value).text;
    expect(final).toContain('_Model a had written this before it failed mid-answer:_\n> The first half');
    expect(final.endsWith('Second try.')).toBe(true);
  });

  it('says how much of a long failed attempt is not shown', async () => {
    bedrock.fake.setHandler(byModel({ a: { chunks: ['y'.repeat(1_000)], fail: failures.midStream(1) }, b: {} }));
    const result = await ask(bedrock.deps, { prompt: 'q' });
    if (!result.ok) throw new Error(result.error.message);
    expect(answerReply(result.value).text).toContain('(600 more characters not shown)');
  });

  it('keeps the partial answer with a cut line when every model fails (was: a bare error)', async () => {
    bedrock.fake.setHandler(
      byModel({
        a: { chunks: ['Paris is', ' the capital'], fail: failures.midStream(2) },
        b: { fail: failures.throttled() },
        c: { fail: failures.unavailable() },
      }),
    );
    const result = await ask(bedrock.deps, { prompt: 'q' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ text: 'Paris is the capital', cut: { code: 'model.stream_failed' } });
    expect(result.value.usageEstimated).toBe(true);
    expect(result.value.failed.map((f) => f.model.id)).toEqual(['b', 'c']);
    const reply = answerReply(result.value);
    expect(reply.text).toMatch(/Paris is the capital\n\n_✂ Cut off here after 4 words: Model a failed in the middle/);
    expect(reply.footer).toMatch(/~\$[\d.]+ \(estimated\)/);
  });

  it('falls back after a stall and keeps what the stalled model had said', async () => {
    const fake = await startFakeBedrock(
      byModel({ a: { chunks: ['Slow start'], fail: failures.hang(1) }, b: { chunks: ['Quick answer.'] } }),
    );
    const deps = askDepsFor(fake.endpoint, { timeoutMs: 300 });
    try {
      const result = await ask(deps, { prompt: 'q' });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.failed).toEqual([
        expect.objectContaining({ code: 'model.timeout', partialText: 'Slow start' }),
      ]);
      expect(answerReply(result.value).text).toContain('> Slow start');
      expect(result.value.failed[0]?.spend.estimated).toBe(true);
    } finally {
      deps.destroy();
      await fake.close();
    }
  });

  it('goes on along the chain when a model id is wrong for the region (was: stopped, "rephrase")', async () => {
    bedrock.fake.setHandler(
      byModel({
        a: { fail: failures.validation('The provided model identifier is invalid.') },
        b: {
          fail: failures.validation(
            'The model returned the following errors: input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again',
          ),
        },
        c: { chunks: ['c answers'] },
      }),
    );
    const result = await ask(bedrock.deps, { prompt: 'q' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.failed.map((f) => f.code)).toEqual(['model.bad_model_id', 'model.context_exceeded']);
    expect(answerReply(result.value).text).toContain(
      'Model a is misconfigured (model id or region), Model b could not fit the conversation',
    );
  });
});

describe('ask with a model that thinks by default', () => {
  const thinker: ModelInfo = aModel('t', {
    provider: 'anthropic',
    fixedSampling: true,
    maxOutputTokens: 64_000,
    reasoning: { requestFields: { output_config: { effort: 'low' } }, reserveTokens: 8_000 },
  });

  it('reserves output for the reasoning, keeps it out of the text and in the cost', async () => {
    const fake = await startFakeBedrock(() => ({
      reasoning: ['Thinking', ' hard.'],
      chunks: ['Done.'],
      usage: { inputTokens: 100, outputTokens: 3_000 },
    }));
    const deps = askDepsFor(fake.endpoint, { catalog: aCatalog([thinker]) });
    try {
      const result = await ask(deps, { prompt: 'q' });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.text).toBe('Done.');
      expect(result.value.costUsd).toBeCloseTo((100 * 1 + 3_000 * 2) / 1e6, 12);
      expect(fake.requests[0]?.body.inferenceConfig?.maxTokens).toBe(4_096 + 8_000);
      expect(fake.requests[0]?.body.additionalModelRequestFields).toEqual({ output_config: { effort: 'low' } });
    } finally {
      deps.destroy();
      await fake.close();
    }
  });

  it('says so when the whole output limit went on reasoning', async () => {
    const fake = await startFakeBedrock(() => ({ reasoning: ['Hmm.'], chunks: [], stopReason: 'max_tokens' }));
    const deps = askDepsFor(fake.endpoint, { catalog: aCatalog([thinker]) });
    try {
      const result = await ask(deps, { prompt: 'q' });
      if (!result.ok) throw new Error(result.error.message);
      expect(answerReply(result.value).text).toContain('spent its whole output limit reasoning');
    } finally {
      deps.destroy();
      await fake.close();
    }
  });

  it('notes a model_context_window_exceeded stop instead of passing it off as complete', async () => {
    const fake = await startFakeBedrock(() => ({ chunks: ['Half'], stopReason: 'model_context_window_exceeded' }));
    const deps = askDepsFor(fake.endpoint);
    try {
      const result = await ask(deps, { prompt: 'q' });
      if (!result.ok) throw new Error(result.error.message);
      expect(answerReply(result.value).text).toMatch(/^_The answer is incomplete: the conversation filled/);
    } finally {
      deps.destroy();
      await fake.close();
    }
  });
});
