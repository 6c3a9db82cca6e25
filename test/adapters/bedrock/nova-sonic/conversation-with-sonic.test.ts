import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaSonicVoiceModel } from '../../../../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { type ToolCaller, ToolRegistry } from '../../../../src/app/tools.ts';
import { type UserId, userId } from '../../../../src/domain/ids.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';
import { type RunningVoiceConversation, startVoiceConversation } from '../../../../src/voice/conversation-loop.ts';
import { type FakeNovaSonic, sonicClientFor, startFakeNovaSonic, tone } from '../../../support/fake-nova-sonic.ts';
import { MemoryChannelIo, speechFrame, until } from '../../../support/voice-loop-fakes.ts';

/** The conversation loop over the real SDK client and the loopback Nova Sonic fake, in real time. */
const alice = userId('discord', 'alice');
const callerFor = (speaker: UserId | undefined): ToolCaller => ({
  user: speaker ?? userId('discord', 'host'),
  isStaff: false,
});
const wait = () => new Promise<void>((resolve) => setTimeout(resolve, 10));
const hasSpeech = (body: Record<string, unknown>) => Buffer.from(String(body.content), 'base64').some((b) => b !== 0);

describe('conversation loop with Nova Sonic (loopback)', () => {
  let fake: FakeNovaSonic;
  let client: BedrockRuntimeClient;
  let io: MemoryChannelIo;
  const running: RunningVoiceConversation[] = [];

  beforeEach(async () => {
    fake = await startFakeNovaSonic();
    client = sonicClientFor(fake.endpoint);
    io = new MemoryChannelIo();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
    client.destroy();
    await fake.close();
  });

  function start(
    options: {
      renewAfterMs?: number;
      switchByMs?: number;
      tools?: ToolRegistry;
      systemPrompt?: string;
      io?: MemoryChannelIo;
    } = {},
  ) {
    const model = new NovaSonicVoiceModel(client, {
      renewAfterMs: options.renewAfterMs ?? 600_000,
      ...(options.switchByMs === undefined ? {} : { switchByMs: options.switchByMs }),
      closeTimeoutMs: 5_000,
    });
    const conversation = startVoiceConversation({
      io: options.io ?? io,
      model,
      ...(options.systemPrompt ? { systemPrompt: options.systemPrompt } : {}),
      tools: options.tools?.list() ?? [],
      caller: callerFor,
      transcripts: true,
      log: silentLogger,
      retry: { attempts: 2, delayMs: 10 },
    });
    running.push(conversation);
    return conversation;
  }

  it('keeps the history when the service ends a session mid-conversation', async () => {
    fake.setScript(async (s) => {
      if (s.index === 0) {
        await s.waitFor('audioInput');
        s.turn({ user: 'my name is Ada', assistant: 'Hello Ada.', audio: tone(2_400) });
        s.exception('modelTimeoutException', 'Model has timed out in processing the request');
        return;
      }
      await s.waitFor('audioInput');
      const texts = s.received.filter((e) => e.name === 'textInput').map((e) => e.body.content);
      s.turn({
        user: 'what is my name',
        assistant: texts.includes('my name is Ada') ? 'You are Ada.' : 'I do not know.',
        audio: tone(480),
      });
    });
    start();
    await until(() => io.lines.length >= 4, 'two turns posted', wait).catch((e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(io.lines)} streams=${fake.streams.length}`);
    });
    expect(io.lines).toEqual(['🗣️ my name is Ada', '🤖 Hello Ada.', '🗣️ what is my name', '🤖 You are Ada.']);
    expect(io.played.length).toBeGreaterThan(0);
    const second = await fake.stream(1);
    const names = second.received.map((e) => e.name);
    // History blocks come before the audio block opens.
    expect(names.indexOf('textInput')).toBeLessThan(names.indexOf('audioInput'));
  });

  it('names each speaker to Sonic as context (non-interactive USER text) just before their audio', async () => {
    const bob = userId('discord', 'bob');
    const named = new MemoryChannelIo();
    named.nameOf = (speaker) => (speaker === alice ? 'Alice' : speaker === bob ? 'Bob' : undefined);
    // The model's FINAL user text comes once the speaker has stopped (its endpointing), as the test says when.
    const stopped = { alice: Promise.withResolvers<void>(), bob: Promise.withResolvers<void>() };
    fake.setScript(async (s) => {
      await s.waitFor('textInput', (b) => b.content === '[Alice is speaking]');
      await stopped.alice.promise;
      s.transcript('USER', 'where is my order', 'FINAL');
      await s.waitFor('textInput', (b) => b.content === '[Bob is speaking]');
      await stopped.bob.promise;
      s.transcript('USER', 'and mine', 'FINAL');
    });
    start({ io: named });
    // Text waits 50 ms after the audio block opens (see TEXT_AFTER_AUDIO_MS): speak after that.
    await (await fake.stream(0)).waitFor('audioInput');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const talk = async (who: UserId) => {
      for (let i = 0; i < 15; i++) {
        named.say(who, speechFrame(8_000));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await talk(alice);
    stopped.alice.resolve();
    await until(() => named.lines.length === 1, 'Alice heard', wait);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await talk(bob);
    stopped.bob.resolve();
    await until(() => named.lines.length === 2, 'Bob heard', wait);
    expect(named.lines).toEqual(['🗣️ Alice: where is my order', '🗣️ Bob: and mine']);
    const stream = await fake.stream(0);
    const at = (content: string) =>
      stream.received.findIndex((e) => e.name === 'textInput' && e.body.content === content);
    const tag = stream.received[at('[Alice is speaking]') - 1];
    expect(tag?.name).toBe('contentStart');
    expect(tag?.body).toMatchObject({ type: 'TEXT', role: 'USER', interactive: false });
    const firstSpeech = stream.received.findIndex((e) => e.name === 'audioInput' && hasSpeech(e.body));
    expect(at('[Alice is speaking]')).toBeLessThan(firstSpeech);
    expect(at('[Bob is speaking]')).toBeGreaterThan(firstSpeech);
  });

  it('renews before the time limit and closes the old stream politely', async () => {
    start({ renewAfterMs: 100 });
    const first = await fake.stream(0);
    await fake.stream(1);
    await first.clientDone;
    expect(first.received.slice(-3).map((e) => e.name)).toEqual(['contentEnd', 'promptEnd', 'sessionEnd']);
  });

  it('opens the next stream ahead, then switches at the turn end with the history as it is then', async () => {
    fake.setScript(async (s) => {
      if (s.index !== 0) return;
      // At once: the user's words must be heard before the session expires, however loaded the machine.
      s.transcript('USER', 'my name is Ada', 'FINAL');
      // The session expires while its answer is owed: the next stream is opened and primed before the answer.
      const next = await fake.stream(1);
      await next.waitFor('promptStart');
      s.turn({ assistant: 'Hello Ada.', audio: tone(2_400) });
    });
    // Expiry comes well after the user's words (a loaded machine must not make it come first).
    start({ renewAfterMs: 1_500, switchByMs: 60_000 });
    const first = await fake.stream(0);
    const second = await fake.stream(1);
    await second.waitFor('audioInput');
    await first.clientDone;
    const names = second.received.map((e) => e.name);
    expect(names.slice(0, 2)).toEqual(['sessionStart', 'promptStart']);
    const history = second.received.filter((e) => e.name === 'textInput').map((e) => e.body.content);
    expect(history).toEqual(['my name is Ada', 'Hello Ada.']);
    const audioStart = second.received.findIndex((e) => e.name === 'contentStart' && e.body.type === 'AUDIO');
    expect(audioStart).toBeGreaterThan(names.lastIndexOf('textInput'));
    expect(names.indexOf('audioInput')).toBeGreaterThan(audioStart);
    // The old stream closed politely after its audio; nothing was sent to it after the close.
    expect(first.received.slice(-3).map((e) => e.name)).toEqual(['contentEnd', 'promptEnd', 'sessionEnd']);
    expect(io.lines).toEqual(['🗣️ my name is Ada', '🤖 Hello Ada.']);
  });

  it('switches at the deadline mid-answer and the new stream is asked the unanswered question', async () => {
    fake.setScript(async (s) => {
      if (s.index === 0) {
        s.transcript('USER', 'what time is it', 'FINAL');
        // The model starts thinking and never reaches a turn boundary on this stream.
        s.transcript('ASSISTANT', 'Let me', 'SPECULATIVE');
        return;
      }
      const asked = await s.waitFor('textInput', (b) => b.content === 'what time is it');
      const block = s.received.find((e) => e.name === 'contentStart' && e.body.contentName === asked.body.contentName);
      expect(block?.body).toMatchObject({ type: 'TEXT', role: 'USER', interactive: true });
      s.turn({ assistant: 'It is noon.', audio: tone(480) });
    });
    start({ renewAfterMs: 1_000, switchByMs: 1_500 });
    await until(() => io.lines.includes('🤖 It is noon.'), 'the new stream answered', wait);
    const second = await fake.stream(1);
    const names = second.received.map((e) => e.name);
    const audioStart = second.received.findIndex((e) => e.name === 'contentStart' && e.body.type === 'AUDIO');
    const asked = second.received.findIndex((e) => e.name === 'textInput' && e.body.content === 'what time is it');
    // Not in the history (which would read as answered) but after the audio block opened, as a question.
    expect(asked).toBeGreaterThan(audioStart);
    expect(names.slice(0, audioStart)).not.toContain('textInput');
  });

  it('stops playback at once on barge-in', async () => {
    fake.setScript(async (s) => {
      await s.waitFor('audioInput');
      s.transcript('ASSISTANT', 'A long story', 'SPECULATIVE');
      s.audio(tone(9_600), 2_400, 'INTERRUPTED');
      s.interrupted();
    });
    start();
    await until(() => io.stops === 1, 'stopPlayback', wait);
    expect(io.played.length).toBe(4);
    expect(io.queued).toEqual([]);
  });

  it('runs a registered tool for the current speaker', async () => {
    const calls: ToolCaller[] = [];
    const tools = new ToolRegistry().register({
      name: 'order_status',
      description: 'Where my order is',
      inputSchema: { type: 'object' },
      run: async (_input, caller) => {
        calls.push(caller);
        return { ok: true, result: { status: 'delivered' } };
      },
    });
    fake.setScript(async (s) => {
      await s.waitFor('audioInput', hasSpeech);
      s.toolUse('order_status', 'tu-1', {});
      const result = await s.waitFor('toolResult');
      s.turn({ assistant: `It is ${JSON.parse(String(result.body.content)).status}.`, audio: tone(480) });
    });
    start({ tools });
    for (let i = 0; i < 10; i++) io.say(alice, speechFrame(8_000));
    await until(() => io.lines.includes('🤖 It is delivered.'), 'answer with the tool result', wait);
    expect(calls).toEqual([{ user: alice, isStaff: false }]);
    expect(io.lines).toContain('🔧 order_status');
  });

  it('ends with one line when Nova Sonic keeps throttling', async () => {
    fake.failNextOpen({ status: 429, errorType: 'ThrottlingException', message: 'Too many requests' }, 3);
    const conversation = start();
    expect(await conversation.done).toMatchObject({ status: 'failed', code: 'voice.throttled' });
    expect(io.lines).toEqual(['⚠️ Voice conversation ended: Nova Sonic is busy (throttled). Use /join to start again.']);
  });

  it('runs two guilds on one client: a failing stream ends only its own conversation', async () => {
    fake.setScript(async (s) => {
      const prompt = await s.waitFor('textInput');
      if (prompt.body.content === 'guild one') {
        s.exception('validationException', 'Invalid input request');
        return;
      }
      await s.waitFor('audioInput');
      await sleepUntil(() => ioOne.lines.length > 0);
      s.turn({ user: 'still there?', assistant: 'Yes.', audio: tone(480) });
    });
    const ioOne = new MemoryChannelIo();
    const one = start({ io: ioOne, systemPrompt: 'guild one' });
    const two = start({ io, systemPrompt: 'guild two' });
    expect(await one.done).toMatchObject({ status: 'failed', code: 'voice.invalid_request' });
    await until(() => io.lines.length === 2, 'guild two answered', wait);
    expect(io.lines).toEqual(['🗣️ still there?', '🤖 Yes.']);
    let twoEnded = false;
    void two.done.then(() => {
      twoEnded = true;
    });
    await wait();
    expect(twoEnded).toBe(false);
  });
});

async function sleepUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}
