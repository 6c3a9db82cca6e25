import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  CountTokensCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedrockClientFor, type FakeBedrock, failures, startFakeBedrock } from './fake-bedrock.ts';

// The fake itself, driven by the real SDK client: other areas rely on it behaving like Bedrock.
describe('fake Bedrock', () => {
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

  const messages = [{ role: 'user' as const, content: [{ text: 'hello there' }] }];

  async function collect(modelId: string, signal?: AbortSignal): Promise<ConverseStreamOutput[]> {
    const out = await client.send(
      new ConverseStreamCommand({ modelId, messages }),
      signal ? { abortSignal: signal } : {},
    );
    const events: ConverseStreamOutput[] = [];
    for await (const event of out.stream ?? []) events.push(event);
    return events;
  }

  it('streams text, tool use, stop and usage, and records the request', async () => {
    fake.setHandler(() => ({
      chunks: ['Hel', { text: 'lo', delayMs: 5 }],
      toolUses: [{ toolUseId: 't1', name: 'lookup', input: { q: 1 } }],
      usage: { inputTokens: 7, outputTokens: 3 },
    }));
    const events = await collect('us.amazon.nova-lite-v1:0');
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe('Hello');
    expect(events.find((e) => e.contentBlockStart)?.contentBlockStart?.start?.toolUse?.name).toBe('lookup');
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe('tool_use');
    expect(events.at(-1)?.metadata?.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    const last = fake.requests.at(-1);
    expect(last).toMatchObject({ operation: 'converse-stream', modelId: 'us.amazon.nova-lite-v1:0', attempt: 1 });
    expect(last?.body.messages?.[0]?.content[0]).toEqual({ text: 'hello there' });
  });

  it('answers Converse and CountTokens as JSON', async () => {
    fake.setHandler(() => ({ chunks: ['a', 'b'], countTokens: 42 }));
    const answer = await client.send(new ConverseCommand({ modelId: 'm', messages }));
    expect(answer.output?.message?.content?.[0]?.text).toBe('ab');
    const count = await client.send(new CountTokensCommand({ modelId: 'm', input: { converse: { messages } } }));
    expect(count.inputTokens).toBe(42);
  });

  it('fails with HTTP errors the SDK maps to its classes', async () => {
    fake.setHandler(() => ({ fail: failures.throttled() }));
    await expect(collect('m')).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
    fake.setHandler(() => ({ fail: failures.accessDenied() }));
    await expect(client.send(new ConverseCommand({ modelId: 'm', messages }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('throws a mid-stream exception after the deltas, and ends abruptly without messageStop', async () => {
    fake.setHandler(() => ({ chunks: ['a', 'b', 'c'], fail: failures.midStream(2) }));
    const seen: string[] = [];
    const run = async () => {
      const out = await client.send(new ConverseStreamCommand({ modelId: 'm', messages }));
      for await (const e of out.stream ?? [])
        if (e.contentBlockDelta?.delta?.text) seen.push(e.contentBlockDelta.delta.text);
    };
    await expect(run()).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    expect(seen).toEqual(['a', 'b']);
    fake.setHandler(() => ({ chunks: ['a', 'b', 'c'], fail: failures.abruptEnd(1) }));
    const events = await collect('m');
    expect(events.some((e) => e.messageStop)).toBe(false);
  });

  it('hangs until the client aborts', async () => {
    fake.setHandler(() => ({ chunks: ['a'], fail: failures.hang(1) }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    // Once the response has started, the SDK ends the loop quietly on abort: callers must check their signal.
    const events = await collect('m', controller.signal).catch(() => []);
    expect(controller.signal.aborted).toBe(true);
    expect(events.some((e) => e.messageStop)).toBe(false);
  });
});
