import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type NovaSonicOptions,
  NovaSonicVoiceModel,
} from '../../../../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { type Tool, type ToolCaller, ToolRegistry } from '../../../../src/app/tools.ts';
import { userId } from '../../../../src/domain/ids.ts';
import type { VoiceConversation, VoiceEvent, VoiceSessionOptions } from '../../../../src/ports/voice-model.ts';
import { type FakeNovaSonic, sonicClientFor, startFakeNovaSonic, tone } from '../../../support/fake-nova-sonic.ts';

const alice: ToolCaller = { user: userId('discord', 'alice'), isStaff: false };
const frame16k = (value: number, samples = 512) => ({
  sampleRate: 16_000,
  channels: 1 as const,
  samples: new Int16Array(samples).fill(value),
});

async function collectUntil(conv: VoiceConversation, stop: (e: VoiceEvent) => boolean): Promise<VoiceEvent[]> {
  const seen: VoiceEvent[] = [];
  for await (const event of conv.events) {
    seen.push(event);
    if (stop(event)) break;
  }
  return seen;
}

describe('NovaSonicVoiceModel against the loopback fake', () => {
  let fake: FakeNovaSonic;
  let client: BedrockRuntimeClient;
  const open: VoiceConversation[] = [];

  beforeEach(async () => {
    fake = await startFakeNovaSonic();
    client = sonicClientFor(fake.endpoint);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    client.destroy();
    await fake.close();
  });

  async function start(session: Partial<VoiceSessionOptions> = {}, options: NovaSonicOptions = {}) {
    const model = new NovaSonicVoiceModel(client, { closeTimeoutMs: 5_000, ...options });
    const conv = await model.open(
      { history: [], tools: [], caller: () => alice, ...session },
      new AbortController().signal,
    );
    open.push(conv);
    return conv;
  }

  it('sends the full event sequence with history, tools and base64 16 kHz audio', async () => {
    const lookup: Tool = {
      name: 'order_status',
      description: 'Where an order is',
      inputSchema: { type: 'object', properties: { orderId: { type: 'string' } } },
      run: async () => ({ ok: true, result: {} }),
    };
    const conv = await start(
      {
        voice: 'tiffany',
        systemPrompt: 'Be brief.',
        tools: [lookup],
        history: [
          { role: 'assistant', text: 'dropped: history must start with the user' },
          { role: 'user', text: 'hi' },
          { role: 'assistant', text: 'hello' },
        ],
      },
      { endpointing: 'HIGH' },
    );
    conv.sendAudio(frame16k(1));
    conv.sendAudio(frame16k(-2));
    await conv.close();

    const stream = await fake.stream(0);
    expect(stream.modelId).toBe('amazon.nova-2-sonic-v1:0');
    const names = stream.received.map((e) => e.name);
    expect(names).toEqual([
      'sessionStart',
      'promptStart',
      ...['contentStart', 'textInput', 'contentEnd'], // system
      ...['contentStart', 'textInput', 'contentEnd'], // user "hi"
      ...['contentStart', 'textInput', 'contentEnd'], // assistant "hello"
      'contentStart',
      'audioInput',
      'audioInput',
      'contentEnd',
      'promptEnd',
      'sessionEnd',
    ]);
    const [sessionStart, promptStart, system, , , user, userText, , assistant, , , audioStart, audio1, audio2] =
      stream.received.map((e) => e.body);
    expect(sessionStart).toMatchObject({ turnDetectionConfiguration: { endpointingSensitivity: 'HIGH' } });
    expect(promptStart).toMatchObject({
      audioOutputConfiguration: { sampleRateHertz: 24_000, voiceId: 'tiffany', encoding: 'base64', channelCount: 1 },
      textOutputConfiguration: { mediaType: 'text/plain' },
    });
    type ToolConfig = { tools: { toolSpec: { name: string; inputSchema: { json: string } } }[] };
    const toolSpec = (promptStart?.toolConfiguration as ToolConfig | undefined)?.tools[0]?.toolSpec;
    expect(toolSpec?.name).toBe('order_status');
    expect(JSON.parse(toolSpec?.inputSchema.json ?? '')).toEqual(lookup.inputSchema);
    expect(system).toMatchObject({ type: 'TEXT', role: 'SYSTEM' });
    expect(stream.received[3]?.body).toMatchObject({ content: 'Be brief.' });
    expect(user).toMatchObject({ role: 'USER', interactive: false });
    expect(userText).toMatchObject({ content: 'hi' });
    expect(assistant).toMatchObject({ role: 'ASSISTANT' });
    expect(audioStart).toMatchObject({
      type: 'AUDIO',
      role: 'USER',
      interactive: true,
      audioInputConfiguration: { sampleRateHertz: 16_000, sampleSizeBits: 16, channelCount: 1, encoding: 'base64' },
    });
    const pcm = (body: Record<string, unknown> | undefined) => {
      const bytes = Buffer.from(String(body?.content), 'base64');
      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    };
    expect(pcm(audio1)).toEqual(new Int16Array(512).fill(1));
    expect(pcm(audio2)).toEqual(new Int16Array(512).fill(-2));
    const promptName = (promptStart as { promptName: string }).promptName;
    for (const e of stream.received.slice(1, -1)) expect(e.body.promptName).toBe(promptName);
    expect(audio1?.contentName).toBe(audioStart?.contentName);
    expect(stream.received.at(-3)?.body.contentName).toBe(audioStart?.contentName);
  });

  it('rejects audio that is not 16 kHz mono with a message saying how to fix it', async () => {
    const conv = await start();
    expect(() => conv.sendAudio({ sampleRate: 48_000, channels: 2, samples: new Int16Array(1920) })).toThrow(
      /16 kHz mono/,
    );
  });

  it('maps transcripts, 24 kHz audio and the end of the turn', async () => {
    const speech = tone(4_800);
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.turn({ user: 'where is my order', assistant: 'It is on its way.', audio: speech, chunkSamples: 1_000 });
    });
    const conv = await start();
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, (e) => e.type === 'turnEnd');
    const texts = events.filter((e) => e.type === 'transcript');
    expect(texts).toEqual([
      { type: 'transcript', role: 'user', text: 'where is my order', final: true },
      { type: 'transcript', role: 'assistant', text: 'It is on its way.', final: false },
      { type: 'transcript', role: 'assistant', text: 'It is on its way.', final: true },
    ]);
    const frames = events.flatMap((e) => (e.type === 'audio' ? [e.frame] : []));
    expect(frames.every((f) => f.sampleRate === 24_000 && f.channels === 1)).toBe(true);
    const joined = new Int16Array(frames.reduce((n, f) => n + f.samples.length, 0));
    let at = 0;
    for (const f of frames) {
      joined.set(f.samples, at);
      at += f.samples.length;
    }
    expect(joined).toEqual(speech);
    // The turn ends only after the FINAL transcript, so a renewal at turnEnd keeps the whole answer.
    expect(events.at(-2)).toEqual({ type: 'transcript', role: 'assistant', text: 'It is on its way.', final: true });
  });

  it('runs a registered tool for the caller our code chose and sends the toolResult back', async () => {
    const calls: { input: unknown; caller: ToolCaller }[] = [];
    const registry = new ToolRegistry().register({
      name: 'order_status',
      description: 'Where an order is',
      inputSchema: { type: 'object' },
      run: async (input, caller) => {
        calls.push({ input, caller });
        return { ok: true, result: { status: 'out for delivery' } };
      },
    });
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.toolUse('order_status', 'tu-1', { orderId: 'A1' });
      const result = await s.waitFor('toolResult');
      s.turn({ assistant: `Your order: ${String(result.body.content)}`, audio: tone(480) });
    });
    const conv = await start({ tools: registry.list() });
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, (e) => e.type === 'turnEnd');

    expect(calls).toEqual([{ input: { orderId: 'A1' }, caller: alice }]);
    expect(events.filter((e) => e.type === 'tool')).toEqual([
      { type: 'tool', name: 'order_status', status: 'started' },
      { type: 'tool', name: 'order_status', status: 'done' },
    ]);
    expect(events).toContainEqual({
      type: 'transcript',
      role: 'assistant',
      text: 'Your order: {"status":"out for delivery"}',
      final: true,
    });
    const stream = await fake.stream(0);
    const i = stream.received.findIndex((e) => e.name === 'toolResult');
    expect(stream.received[i - 1]).toMatchObject({
      name: 'contentStart',
      body: { type: 'TOOL', role: 'TOOL', toolResultInputConfiguration: { toolUseId: 'tu-1', type: 'TEXT' } },
    });
    expect(stream.received[i + 1]?.name).toBe('contentEnd');
    expect(stream.received[i + 1]?.body.contentName).toBe(stream.received[i]?.body.contentName);
  });

  it('answers an unknown tool or bad arguments with an error result instead of failing', async () => {
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.toolUse('launch_rockets', 'tu-9', {});
      await s.waitFor('toolResult');
      s.turn({ assistant: 'I cannot do that.', audio: tone(240) });
    });
    const conv = await start();
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, (e) => e.type === 'turnEnd');
    expect(events).toContainEqual({ type: 'tool', name: 'launch_rockets', status: 'failed' });
    const result = await (await fake.stream(0)).waitFor('toolResult');
    expect(JSON.parse(String(result.body.content))).toEqual({ error: 'There is no tool named launch_rockets.' });
  });

  it('signals a barge-in once and hides the marker from transcripts', async () => {
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.transcript('ASSISTANT', 'Let me tell you a long story', 'SPECULATIVE');
      s.audio(tone(2_400), 1_200, 'INTERRUPTED');
      s.interrupted();
      s.turn({ user: 'stop', assistant: 'Okay.', audio: tone(240) });
    });
    const conv = await start();
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, (e) => e.type === 'turnEnd');
    expect(events.filter((e) => e.type === 'interrupted')).toHaveLength(1);
    expect(events.some((e) => e.type === 'transcript' && e.text.includes('interrupted'))).toBe(false);
    const i = events.findIndex((e) => e.type === 'interrupted');
    expect(events.slice(i + 1).find((e) => e.type === 'transcript')).toMatchObject({ role: 'user', text: 'stop' });
  });

  it('turns a mid-stream exception into a recoverable error and ends the events', async () => {
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.transcript('USER', 'hello', 'FINAL');
      s.exception('modelStreamErrorException', 'stream broke');
    });
    const conv = await start();
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, () => false);
    expect(events[0]).toMatchObject({ type: 'transcript', text: 'hello' });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'voice.model_error', recoverable: true });
    await (await fake.stream(0)).clientDone;
  });

  it('reports HTTP 429 on open as a recoverable throttling error, not a rejection', async () => {
    fake.failNextOpen({ status: 429, errorType: 'ThrottlingException', message: 'Too many requests' });
    const conv = await start();
    const events = await collectUntil(conv, () => false);
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'voice.throttled', recoverable: true })]);
    conv.sendAudio(frame16k(0)); // ignored, no throw
  });

  it('reports access denied as not recoverable, naming what to fix', async () => {
    fake.failNextOpen({ status: 403, errorType: 'AccessDeniedException', message: 'not enabled' });
    const conv = await start();
    const events = await collectUntil(conv, () => false);
    expect(events[0]).toMatchObject({ type: 'error', code: 'voice.access_denied', recoverable: false });
    expect(events[0]).toMatchObject({ message: expect.stringContaining('InvokeModelWithBidirectionalStream') });
  });

  it('announces expiry ahead of the limit, and the limit itself is a recoverable timeout', async () => {
    fake.setSessionLimit({ events: 8 });
    const conv = await start({}, { renewAfterMs: 1, switchByMs: 1_000 });
    const events: VoiceEvent[] = [];
    let sent = 0;
    for await (const event of conv.events) {
      events.push(event);
      // Keep feeding audio until the fake's event budget runs out.
      while (sent < 5) conv.sendAudio(frame16k(sent++));
    }
    expect(events[0]).toEqual({ type: 'expiring', switchWithinMs: 999 });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'voice.session_timeout', recoverable: true });
  });

  it('ends a session at the time limit of the fake with a recoverable timeout', async () => {
    fake.setSessionLimit({ ms: 50 });
    const conv = await start();
    const events = await collectUntil(conv, () => false);
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'voice.session_timeout', recoverable: true }),
    ]);
  });

  it('skips events that fail validation and goes on', async () => {
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.send({ audioOutput: { contentId: 'x' } }); // no content
      s.send({ somethingNew: {} });
      s.transcript('USER', 'still here', 'FINAL');
    });
    const conv = await start();
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, (e) => e.type === 'transcript');
    expect(events).toEqual([{ type: 'transcript', role: 'user', text: 'still here', final: true }]);
  });

  it('reports each usageEvent delta as speech and text tokens, and skips a malformed one', async () => {
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.usage({ input: { speechTokens: 120, textTokens: 35 } });
      s.send({ usageEvent: { details: { delta: { input: { speechTokens: 'many' } } } } });
      s.usage({ input: { speechTokens: 0, textTokens: 0 }, output: { speechTokens: 0, textTokens: 0 } });
      s.usage({ output: { speechTokens: 410, textTokens: 18 } });
      s.transcript('USER', 'done', 'FINAL');
    });
    const conv = await start();
    conv.sendAudio(frame16k(0));
    const events = await collectUntil(conv, (e) => e.type === 'transcript');
    expect(events).toEqual([
      {
        type: 'usage',
        usage: {
          meter: 'sonic',
          speechInputTokens: 120,
          speechOutputTokens: 0,
          textInputTokens: 35,
          textOutputTokens: 0,
        },
      },
      {
        type: 'usage',
        usage: {
          meter: 'sonic',
          speechInputTokens: 0,
          speechOutputTokens: 410,
          textInputTokens: 0,
          textOutputTokens: 18,
        },
      },
      { type: 'transcript', role: 'user', text: 'done', final: true },
    ]);
  });

  it('close() ends the stream, and aborting the open signal closes the session', async () => {
    const controller = new AbortController();
    const model = new NovaSonicVoiceModel(client);
    const conv = await model.open({ history: [], tools: [], caller: () => alice }, controller.signal);
    const stream = await fake.stream(0);
    controller.abort();
    await stream.clientDone;
    expect(await collectUntil(conv, () => false)).toEqual([]);
    await conv.close();
  });
});
