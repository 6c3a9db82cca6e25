import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockTextModel } from '../../../adapters/bedrock/bedrock-text-model.ts';
import type { ModelId } from '../../../src/domain/ids.ts';
import type { TextRequest } from '../../../src/ports/text-model.ts';
import { bedrockClientFor, type FakeBedrock, failures, startFakeBedrock } from '../../support/fake-bedrock.ts';
import { aCatalog, aModel } from '../../support/models.ts';

const nova = aModel('nova');
const thinker = aModel('thinker', {
  provider: 'anthropic',
  fixedSampling: true,
  reasoning: {
    requestFields: { thinking: { type: 'adaptive' }, output_config: { effort: 'low' } },
    reserveTokens: 8000,
  },
});
const catalog = aCatalog([nova, thinker]);
const ask = (model: string, extra: Partial<TextRequest> = {}): TextRequest => ({
  model: model as ModelId,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  ...extra,
});

describe('BedrockTextModel streaming (idle timeout, reasoning, cache, stop reasons)', () => {
  let fake: FakeBedrock;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    fake = await startFakeBedrock();
    client = bedrockClientFor(fake.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('never cuts an answer that keeps arriving: the time limit is an idle one (was: a whole-call timeout)', async () => {
    // 10 chunks 200 ms apart: 2 s in all, twice the 1 s limit, but never 1 s without an event.
    const model = new BedrockTextModel(client, catalog, { timeoutMs: 1_000, maxDurationMs: 20_000 });
    fake.setHandler(() => ({ chunks: Array.from({ length: 10 }, (_, i) => ({ text: ` w${i}`, delayMs: 200 })) }));
    const outcome = await model.generate(ask('nova'));
    expect(outcome).toMatchObject({ ok: true, text: ' w0 w1 w2 w3 w4 w5 w6 w7 w8 w9' });
  });

  it('still gives up on a stream that goes quiet, and caps a never-ending one', async () => {
    const idle = new BedrockTextModel(client, catalog, { timeoutMs: 300, maxDurationMs: 20_000 });
    fake.setHandler(() => ({ chunks: ['a', { text: 'b', delayMs: 5_000 }] }));
    expect(await idle.generate(ask('nova'))).toMatchObject({ ok: false, code: 'model.timeout', partialText: 'a' });
    const capped = new BedrockTextModel(client, catalog, { timeoutMs: 2_000, maxDurationMs: 400 });
    fake.setHandler(() => ({ chunks: Array.from({ length: 50 }, () => ({ text: '.', delayMs: 100 })) }));
    const outcome = await capped.generate(ask('nova'));
    expect(outcome).toMatchObject({ ok: false, code: 'model.timeout', started: true });
    expect(!outcome.ok && outcome.partialText.length).toBeGreaterThan(0);
  });

  it('streams reasoning first, keeps it out of the text but in the usage, and sends the effort setting', async () => {
    const model = new BedrockTextModel(client, catalog, { timeoutMs: 5_000 });
    fake.setHandler(() => ({
      reasoning: ['Let me think', ' about greetings.'],
      chunks: ['Hello', '!'],
      usage: { inputTokens: 10, outputTokens: 40 },
    }));
    const deltas: string[] = [];
    const outcome = await model.generate(ask('thinker', { temperature: 0.5, maxTokens: 12_096 }), {
      onText: (d) => deltas.push(d),
    });
    expect(deltas).toEqual(['Hello', '!']);
    expect(outcome).toMatchObject({
      ok: true,
      text: 'Hello!',
      usage: { inputTokens: 10, outputTokens: 40 },
      reasoningChars: 'Let me think about greetings.'.length,
    });
    const body = fake.requests.at(-1)?.body;
    expect(body?.additionalModelRequestFields).toEqual({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
    });
    expect(body?.inferenceConfig).toEqual({ maxTokens: 12_096 });
    // Models without the setting send no extra fields.
    await model.generate(ask('nova'));
    expect(fake.requests.at(-1)?.body.additionalModelRequestFields).toBeUndefined();
  });

  it('counts reasoning streamed before a failure, for the estimate of what the failed call cost', async () => {
    const model = new BedrockTextModel(client, catalog, { timeoutMs: 5_000 });
    fake.setHandler(() => ({ reasoning: ['x'.repeat(400)], chunks: ['Hel', 'lo'], fail: failures.midStream(1) }));
    expect(await model.generate(ask('thinker'))).toMatchObject({
      ok: false,
      partialText: 'Hel',
      started: true,
      reasoningChars: 400,
    });
    fake.setHandler(() => ({ fail: failures.throttled() }));
    expect(await model.generate(ask('nova'))).toMatchObject({ ok: false, started: false, reasoningChars: 0 });
  });

  it('records cache read and write tokens apart from input tokens', async () => {
    const model = new BedrockTextModel(client, catalog, { timeoutMs: 5_000 });
    fake.setHandler(() => ({
      usage: { inputTokens: 20, outputTokens: 5, cacheReadInputTokens: 9_000, cacheWriteInputTokens: 1_000 },
    }));
    expect(await model.generate(ask('nova'))).toMatchObject({
      ok: true,
      usage: { inputTokens: 20, outputTokens: 5, cacheReadInputTokens: 9_000, cacheWriteInputTokens: 1_000 },
    });
  });

  it('reports a model_context_window_exceeded stop as its own reason, not as a complete answer', async () => {
    const model = new BedrockTextModel(client, catalog, { timeoutMs: 5_000 });
    fake.setHandler(() => ({ chunks: ['Half an'], stopReason: 'model_context_window_exceeded' }));
    expect(await model.generate(ask('nova'))).toMatchObject({
      ok: true,
      text: 'Half an',
      stopReason: 'context_window_exceeded',
    });
  });
});
