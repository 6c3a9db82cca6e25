import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBedrockTextClient } from '../../../adapters/bedrock/bedrock-client.ts';
import { BedrockTextModel } from '../../../adapters/bedrock/bedrock-text-model.ts';
import type { ModelId } from '../../../src/domain/ids.ts';
import type { TextModel, TextOutcome, TextRequest } from '../../../src/ports/text-model.ts';
import { bedrockClientFor, type FakeBedrock, failures, startFakeBedrock } from '../../support/fake-bedrock.ts';
import { aCatalog, aModel } from '../../support/models.ts';

const nova = aModel('nova', { bedrockId: 'us.amazon.nova-lite-v1:0', baseModelId: 'amazon.nova-lite-v1:0' });
const claude = aModel('claude', {
  name: 'Claude Test',
  provider: 'anthropic',
  bedrockId: 'global.anthropic.claude-test-v1:0',
  baseModelId: 'anthropic.claude-test-v1:0',
  supportsCountTokens: true,
});
const claude5 = aModel('claude5', { fixedSampling: true });
const catalog = aCatalog([nova, claude, claude5]);

const ask = (model: string, extra: Partial<TextRequest> = {}): TextRequest => ({
  model: model as ModelId,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Why is the sky blue?' }] }],
  ...extra,
});

/** One answer: its outcome and the text deltas streamed on the way. */
async function generate(
  textModel: TextModel,
  request: TextRequest,
  signal?: AbortSignal,
): Promise<{ outcome: TextOutcome; deltas: string[] }> {
  const deltas: string[] = [];
  const outcome = await textModel.generate(request, { signal, onText: (delta) => deltas.push(delta) });
  return { outcome, deltas };
}

describe('BedrockTextModel against the fake Bedrock', () => {
  let fake: FakeBedrock;
  let client: BedrockRuntimeClient;
  let model: BedrockTextModel;
  beforeAll(async () => {
    fake = await startFakeBedrock();
    client = bedrockClientFor(fake.endpoint);
    model = new BedrockTextModel(client, catalog, { timeoutMs: 5_000 });
  });
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('streams text and ends with usage, calling the profile id with system and max tokens', async () => {
    fake.setHandler(() => ({
      chunks: ['Rayleigh', ' scattering.'],
      usage: { inputTokens: 12, outputTokens: 4 },
      latencyMs: 33,
    }));
    const { outcome, deltas } = await generate(
      model,
      ask('nova', { system: 'Be brief.', maxTokens: 100, temperature: 0.2 }),
    );
    expect(deltas).toEqual(['Rayleigh', ' scattering.']);
    expect(outcome).toEqual({
      ok: true,
      text: 'Rayleigh scattering.',
      toolUses: [],
      stopReason: 'end_turn',
      usage: { inputTokens: 12, outputTokens: 4 },
      reasoningChars: 0,
      serverLatencyMs: 33,
    });
    const sent = fake.requests.at(-1);
    expect(sent?.modelId).toBe('us.amazon.nova-lite-v1:0');
    expect(sent?.body.system).toEqual([{ text: 'Be brief.' }]);
    expect(sent?.body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.2 });
  });

  it('omits temperature for fixed-sampling models and sends tools', async () => {
    fake.setHandler(() => ({}));
    const tools = [{ name: 'track', description: 'Track an order', inputSchema: { type: 'object' } }];
    await generate(model, ask('claude5', { temperature: 0.7, maxTokens: 10, tools }));
    const body = fake.requests.at(-1)?.body;
    expect(body?.inferenceConfig).toEqual({ maxTokens: 10 });
    expect(body?.toolConfig?.tools[0]?.toolSpec?.name).toBe('track');
  });

  it('assembles tool use blocks', async () => {
    fake.setHandler(() => ({
      chunks: ['Let me check.'],
      toolUses: [{ toolUseId: 'tu-1', name: 'track', input: { orderId: 'O-1' } }],
    }));
    const { outcome } = await generate(model, ask('nova'));
    expect(outcome).toMatchObject({
      ok: true,
      text: 'Let me check.',
      toolUses: [{ toolUseId: 'tu-1', name: 'track', input: { orderId: 'O-1' } }],
      stopReason: 'tool_use',
    });
  });

  it.each([
    ['throttling', failures.throttled(), 'model.throttled'],
    ['access denied', failures.accessDenied(), 'model.access_denied'],
    ['not found', failures.notFound(), 'model.not_found'],
    ['unavailable', failures.unavailable(), 'model.unavailable'],
    ['validation', failures.validation('bad field'), 'model.invalid_request'],
    ['too long', failures.validation('Input is too long for requested model.'), 'model.context_exceeded'],
  ] as const)('maps %s to a failure with nothing streamed', async (_label, fail, code) => {
    fake.setHandler(() => ({ fail }));
    const { outcome, deltas } = await generate(model, ask('nova'));
    expect(deltas).toEqual([]);
    expect(outcome).toMatchObject({ ok: false, code, partialText: '' });
  });

  it('reports a mid-stream exception after the partial text, whatever the case of its name', async () => {
    fake.setHandler(() => ({ chunks: ['one', ' two', ' three'], fail: failures.midStream(2) }));
    const { outcome, deltas } = await generate(model, ask('nova'));
    expect(deltas).toEqual(['one', ' two']);
    expect(outcome).toMatchObject({ ok: false, code: 'model.stream_failed', partialText: 'one two' });
    fake.setHandler(() => ({ chunks: ['one', ' two'], fail: failures.midStream(1, 'throttlingException') }));
    expect((await generate(model, ask('nova'))).outcome).toMatchObject({ ok: false, code: 'model.throttled' });
  });

  it('treats a stream that ends without messageStop as failed', async () => {
    fake.setHandler(() => ({ chunks: ['one', ' two'], fail: failures.abruptEnd(1) }));
    const { outcome } = await generate(model, ask('nova'));
    expect(outcome).toMatchObject({ ok: false, code: 'model.stream_failed', partialText: 'one' });
  });

  it('times out a hanging stream, before or after the first chunk', async () => {
    const quick = new BedrockTextModel(client, catalog, { timeoutMs: 200 });
    fake.setHandler(() => ({ chunks: ['one'], fail: failures.hang(1) }));
    expect((await generate(quick, ask('nova'))).outcome).toMatchObject({
      ok: false,
      code: 'model.timeout',
      partialText: 'one',
    });
    fake.setHandler(() => ({ chunks: [{ text: 'late', delayMs: 10_000 }] }));
    expect((await generate(quick, ask('nova'))).outcome).toMatchObject({
      ok: false,
      code: 'model.timeout',
      partialText: '',
    });
  });

  it('reports a cancel by the caller as aborted, not as a timeout', async () => {
    fake.setHandler(() => ({ chunks: ['one'], fail: failures.hang(1) }));
    const controller = new AbortController();
    const outcome = await model.generate(ask('nova'), { signal: controller.signal, onText: () => controller.abort() });
    expect(outcome).toMatchObject({ ok: false, code: 'model.aborted', partialText: 'one' });
  });

  it('rejects with the error of a throwing onText instead of calling it a model failure', async () => {
    fake.setHandler(() => ({ chunks: ['one', ' two'] }));
    const bug = new Error('progress renderer broke');
    await expect(
      model.generate(ask('nova'), {
        onText: () => {
          throw bug;
        },
      }),
    ).rejects.toBe(bug);
    // The connection is not left behind: the next answer streams normally.
    expect((await generate(model, ask('nova'))).outcome).toMatchObject({ ok: true, text: 'one two' });
  });

  it('says AWS credentials are needed when none can be loaded', async () => {
    const noCreds = bedrockClientFor(fake.endpoint, {
      credentials: () =>
        Promise.reject(
          Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          }),
        ),
    });
    const { outcome } = await generate(new BedrockTextModel(noCreds, catalog), ask('nova'));
    noCreds.destroy();
    expect(outcome).toMatchObject({ ok: false, code: 'model.no_credentials' });
    expect(!outcome.ok && outcome.message).toMatch(/AWS credentials are needed/);
  });

  it('counts tokens with the base id for models that support it, and not at all for the others', async () => {
    fake.setHandler(() => ({ countTokens: 321 }));
    const before = fake.requests.length;
    expect(await model.countTokens(ask('claude', { system: 'sys' }))).toBe(321);
    expect(fake.requests.at(-1)).toMatchObject({ operation: 'count-tokens', modelId: 'anthropic.claude-test-v1:0' });
    expect(fake.requests.at(-1)?.body.input?.converse?.system).toEqual([{ text: 'sys' }]);
    expect(await model.countTokens(ask('nova'))).toBeUndefined();
    expect(fake.requests.length).toBe(before + 1);
  });

  it('returns undefined when CountTokens is rejected', async () => {
    fake.setHandler(() => ({ fail: failures.validation("The provided model doesn't support counting tokens") }));
    expect(await model.countTokens(ask('claude'))).toBeUndefined();
  });
});

describe('createBedrockTextClient', () => {
  it('builds a client that retries throttling before the fallback chain sees it', async () => {
    const fake = await startFakeBedrock(({ attempt }) =>
      attempt < 2 ? { fail: failures.throttled() } : { chunks: ['ok'] },
    );
    delete process.env.AWS_BEARER_TOKEN_BEDROCK;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFAKE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret');
    const client = createBedrockTextClient({ region: 'us-east-1', endpoint: fake.endpoint, maxAttempts: 2 });
    const { outcome } = await generate(new BedrockTextModel(client, catalog), ask('nova'));
    client.destroy();
    await fake.close();
    expect(outcome).toMatchObject({ ok: true, text: 'ok' });
    expect(fake.requests.map((r) => r.attempt)).toEqual([1, 2]);
  });
});
