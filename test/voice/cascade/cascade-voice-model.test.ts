import { describe, expect, it } from 'vitest';
import { ToolRegistry } from '../../../src/app/tools.ts';
import type { ModelId } from '../../../src/domain/ids.ts';
import { userId } from '../../../src/domain/ids.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { VoiceEvent } from '../../../src/ports/voice-model.ts';
import { CascadeVoiceModel } from '../../../src/voice/cascade/cascade-voice-model.ts';
import {
  answer,
  eventsUntil,
  RecordingTextToSpeech,
  ScriptedSpeechToText,
  ScriptedTextModel,
  type ScriptStep,
} from '../../support/voice-fakes.ts';

const caller = { user: userId('discord', 'ana'), isStaff: false };

function setup(script: (model: string, call: number) => readonly ScriptStep[], models = ['nova-lite']) {
  const stt = new ScriptedSpeechToText();
  const tts = new RecordingTextToSpeech();
  const textModel = new ScriptedTextModel((request, call) => script(request.model, call));
  const engine = new CascadeVoiceModel({
    stt,
    tts,
    textModel,
    models: models as ModelId[],
    languageCode: 'en-US',
    synthesis: { voice: 'Joanna', engine: 'neural' },
    turnPauseMs: 5,
    maxTokens: 400,
    maxToolRounds: 3,
    log: silentLogger,
  });
  return { stt, tts, textModel, engine };
}

const open = (engine: CascadeVoiceModel, tools = new ToolRegistry()) =>
  engine.open({ history: [], tools: tools.list(), caller: () => caller }, new AbortController().signal);

const types = (events: readonly VoiceEvent[]) => events.map((e) => e.type);
const usageOf = (events: readonly VoiceEvent[]) => events.flatMap((e) => (e.type === 'usage' ? [e.usage] : []));

describe('CascadeVoiceModel', () => {
  it('answers a finished utterance sentence by sentence and keeps the history', async () => {
    const { stt, tts, textModel, engine } = setup((_m, call) =>
      call === 0 ? answer('Hello there. ', 'How can I help?') : answer('Sure.'),
    );
    const conversation = await open(engine);
    stt.say({ type: 'partial', text: 'hi' });
    stt.say({ type: 'final', text: 'hi bot' });
    const first = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(first.find((e) => e.type === 'transcript' && e.role === 'user' && e.final)).toMatchObject({
      text: 'hi bot',
    });
    expect(tts.sentences).toEqual(['Hello there.', 'How can I help?']);
    expect(first.filter((e) => e.type === 'audio')).toHaveLength(2);
    expect(first.find((e) => e.type === 'transcript' && e.role === 'assistant')).toMatchObject({
      text: 'Hello there. How can I help?',
    });

    stt.say({ type: 'final', text: 'tell me more' });
    await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    const second = textModel.requests[1];
    expect(second?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    await conversation.close();
  });

  it('stops speaking and cancels synthesis when the user barges in', async () => {
    const { stt, tts, engine } = setup(() => answer('One long sentence. ', 'Another one.'));
    let release = () => {};
    tts.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const conversation = await open(engine);
    stt.say({ type: 'final', text: 'talk to me' });
    await eventsUntil(conversation.events, (e) => e.type === 'transcript' && e.role === 'user' && e.final);
    // Wait until synthesis of the first sentence has started, then speak over it.
    while (tts.sentences.length === 0) await new Promise((r) => setTimeout(r, 1));
    stt.say({ type: 'partial', text: 'wait' });
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'interrupted');
    release();
    expect(types(seen)).not.toContain('audio');
    stt.say({ type: 'final', text: 'wait stop' });
    const after = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    // The cut-off turn merged into the next one: Converse needs alternating roles.
    expect(after.find((e) => e.type === 'transcript' && e.role === 'user' && e.final)).toMatchObject({
      text: 'wait stop',
    });
    await conversation.close();
  });

  it('runs tools as the caller our code names, then speaks the answer', async () => {
    const tools = new ToolRegistry().register({
      name: 'order_status',
      description: 'Status of my latest order',
      inputSchema: { type: 'object' },
      run: async (_input, who) => ({ ok: true, result: { owner: who.user, status: 'out for delivery' } }),
    });
    const { stt, textModel, engine } = setup((_m, call) =>
      call === 0
        ? [
            { type: 'toolUse', toolUseId: 't1', name: 'order_status', input: { user: 'discord:someone-else' } },
            { type: 'end', stopReason: 'tool_use', usage: { inputTokens: 1, outputTokens: 1 } },
          ]
        : answer('It is out for delivery.'),
    );
    const conversation = await open(engine, tools);
    stt.say({ type: 'final', text: 'where is my order' });
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(seen.filter((e) => e.type === 'tool')).toEqual([
      { type: 'tool', name: 'order_status', status: 'started' },
      { type: 'tool', name: 'order_status', status: 'done' },
    ]);
    const toolResult = textModel.requests[1]?.messages.at(-1)?.content[0];
    expect(toolResult).toMatchObject({ type: 'toolResult', result: { owner: 'discord:ana' }, isError: false });
    await conversation.close();
  });

  it('meters every model call of a turn, the characters spoken and the seconds of audio transcribed', async () => {
    const { stt, engine } = setup((_m, call) =>
      call === 0
        ? [
            { type: 'toolUse', toolUseId: 't1', name: 'order_status', input: {} },
            { type: 'end', stopReason: 'tool_use', usage: { inputTokens: 300, outputTokens: 20 } },
          ]
        : answer('It is out for delivery. ', 'Soon.'),
    );
    const tools = new ToolRegistry();
    tools.register({
      name: 'order_status',
      description: 'Where an order is',
      inputSchema: { type: 'object' },
      run: async () => ({ ok: true, result: {} }),
    });
    const conversation = await open(engine, tools);
    // 63 frames of 40 ms: 2.52 s streamed to Transcribe, reported once per whole second.
    for (let i = 0; i < 63; i++)
      conversation.sendAudio({ sampleRate: 16_000, channels: 1, samples: new Int16Array(640) });
    stt.say({ type: 'final', text: 'where is my order' });
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    const usage = usageOf(seen);
    expect(usage.filter((u) => u.meter === 'textModel')).toEqual([
      { meter: 'textModel', model: 'nova-lite', inputTokens: 300, outputTokens: 20 },
      { meter: 'textModel', model: 'nova-lite', inputTokens: 10, outputTokens: 5 },
    ]);
    expect(usage.filter((u) => u.meter === 'polly')).toEqual([
      { meter: 'polly', engine: 'neural', characters: 'It is out for delivery.'.length },
      { meter: 'polly', engine: 'neural', characters: 'Soon.'.length },
    ]);
    const transcribed = usage.flatMap((u) => (u.meter === 'transcribe' ? [u.audioSeconds] : []));
    expect(transcribed).toHaveLength(2);
    expect(transcribed.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 1);
    await conversation.close();
  });

  it('falls back to the next model when the first fails before speaking', async () => {
    const { stt, textModel, engine } = setup(
      (model) =>
        model === 'claude-haiku-4-5'
          ? [{ type: 'error', code: 'model.throttled', message: 'Too many requests' }]
          : answer('From the backup.'),
      ['claude-haiku-4-5', 'nova-lite'],
    );
    const conversation = await open(engine);
    stt.say({ type: 'final', text: 'hello' });
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(textModel.requests.map((r) => r.model)).toEqual(['claude-haiku-4-5', 'nova-lite']);
    expect(seen.find((e) => e.type === 'transcript' && e.role === 'assistant')).toMatchObject({
      text: 'From the backup.',
    });
    // The failed model reported no tokens; only the one that answered is metered.
    expect(usageOf(seen).filter((u) => u.meter === 'textModel')).toEqual([
      { meter: 'textModel', model: 'nova-lite', inputTokens: 10, outputTokens: 5 },
    ]);
    await conversation.close();
  });

  it('answers with the text model chosen at /join first, and speaks with its Polly voice', async () => {
    const { stt, tts, textModel, engine } = setup(() => answer('Hi.'), ['nova-lite', 'claude-haiku-4-5']);
    const synthesized: unknown[] = [];
    const original = tts.synthesize.bind(tts);
    tts.synthesize = (text, options, signal) => {
      synthesized.push(options);
      return original(text, options, signal);
    };
    const conversation = await engine.open(
      { history: [], tools: [], caller: () => caller, textModel: 'claude-haiku-4-5', voice: 'matthew' },
      new AbortController().signal,
    );
    stt.say({ type: 'final', text: 'hello' });
    await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(textModel.requests.map((r) => r.model)).toEqual(['claude-haiku-4-5']);
    expect(synthesized).toEqual([{ voice: 'Matthew', engine: 'neural' }]);
    await conversation.close();
  });

  it('reports a synthesis failure as one recoverable error and keeps listening', async () => {
    const { stt, tts, engine } = setup(() => answer('Hi.'));
    tts.failWith = new Error('Polly is unavailable');
    const conversation = await open(engine);
    stt.say({ type: 'final', text: 'hello' });
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(seen.find((e) => e.type === 'error')).toMatchObject({ recoverable: true, message: 'Polly is unavailable' });
    tts.failWith = undefined;
    stt.say({ type: 'final', text: 'again' });
    const next = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(types(next)).toContain('audio');
    await conversation.close();
  });

  it('puts "Name: text" in its history for each named speaker, and transcripts stay as heard', async () => {
    const { stt, textModel, engine } = setup(() => answer('Sure.'));
    const conversation = await open(engine);
    conversation.speaker?.('Alice');
    stt.say({ type: 'final', text: 'where is my order' });
    const first = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(first.find((e) => e.type === 'transcript' && e.role === 'user')).toMatchObject({
      text: 'where is my order',
    });
    conversation.speaker?.('Bob');
    stt.say({ type: 'final', text: 'and mine' });
    await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    const texts = textModel.requests[1]?.messages.map((m) =>
      m.content.map((c) => ('text' in c ? c.text : '')).join(''),
    );
    expect(texts).toEqual(['Alice: where is my order', 'Sure.', 'Bob: and mine']);
    await conversation.close();
  });
});
