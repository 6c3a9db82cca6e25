import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCaller } from '../../src/app/tools.ts';
import { type UserId, userId } from '../../src/domain/ids.ts';
import { emptyVoiceUsage } from '../../src/domain/voice/usage.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { VoiceEvent } from '../../src/ports/voice-model.ts';
import {
  type RunningVoiceConversation,
  startVoiceConversation,
  type VoiceConversationSettings,
} from '../../src/voice/conversation-loop.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryChannelIo, ScriptedVoiceModel, speechFrame, until } from '../support/voice-loop-fakes.ts';

const alice = userId('discord', 'alice');
const bob = userId('discord', 'bob');
const host = userId('discord', 'host');
const callerFor = (speaker: UserId | undefined): ToolCaller => ({ user: speaker ?? host, isStaff: false });
const out24k = (value: number) => ({
  sampleRate: 24_000,
  channels: 1 as const,
  samples: new Int16Array(480).fill(value),
});

describe('startVoiceConversation', () => {
  const running: RunningVoiceConversation[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  function setup(overrides: Partial<VoiceConversationSettings> = {}) {
    const io = new MemoryChannelIo();
    const model = overrides.model instanceof ScriptedVoiceModel ? overrides.model : new ScriptedVoiceModel();
    const clock = new FakeClock();
    const conversation = startVoiceConversation({
      io,
      model,
      tools: [],
      caller: callerFor,
      transcripts: true,
      clock,
      log: silentLogger,
      retry: { attempts: 2, delayMs: 100 },
      ...overrides,
    });
    running.push(conversation);
    const tick = () => clock.advance(40);
    return { io, model, clock, conversation, tick };
  }

  it('feeds the model paced 16 kHz mono 40 ms frames, with silence when nobody talks', async () => {
    const { io, model, tick } = setup();
    const session = await model.session(0);
    for (let i = 0; i < 5; i++) io.say(alice, speechFrame(4_000)); // 48 kHz, 20 ms each
    await until(() => session.audio.length >= 10, 'ten frames sent', tick);
    expect(session.audio.every((f) => f.sampleRate === 16_000 && f.channels === 1 && f.samples.length === 640)).toBe(
      true,
    );
    expect(session.audio.some((f) => f.samples.some((s) => s !== 0))).toBe(true);
    expect(session.audio.slice(-3).every((f) => f.samples.every((s) => s === 0))).toBe(true);
  });

  it('plays model speech and posts one line per side of each turn', async () => {
    const { io, model, tick } = setup();
    const session = await model.session(0);
    session.emit(
      { type: 'transcript', role: 'user', text: 'where is my order', final: true },
      { type: 'transcript', role: 'assistant', text: 'It is', final: false },
      { type: 'audio', frame: out24k(7) },
      { type: 'transcript', role: 'assistant', text: 'It is on its way.', final: true },
      { type: 'transcript', role: 'assistant', text: 'It arrives today.', final: true },
      { type: 'turnEnd' },
    );
    await until(() => io.lines.length === 2, 'two lines', tick);
    expect(io.played).toEqual([out24k(7)]);
    expect(io.lines).toEqual(['🗣️ where is my order', '🤖 It is on its way. It arrives today.']);
  });

  it('posts nothing when transcripts are off, but still plays', async () => {
    const { io, model, tick } = setup({ transcripts: false });
    const session = await model.session(0);
    session.emit({ type: 'transcript', role: 'user', text: 'hi', final: true }, { type: 'audio', frame: out24k(1) });
    await until(() => io.played.length === 1, 'played', tick);
    expect(io.lines).toEqual([]);
  });

  it('empties playback at once on barge-in', async () => {
    const { io, model, tick } = setup();
    const session = await model.session(0);
    session.emit({ type: 'audio', frame: out24k(1) }, { type: 'audio', frame: out24k(2) }, { type: 'interrupted' });
    await until(() => io.stops === 1, 'stopPlayback', tick);
    expect(io.queued).toEqual([]);
    session.emit({ type: 'audio', frame: out24k(3) });
    await until(() => io.queued.length === 1, 'next answer plays', tick);
  });

  it('renews an expiring session at the end of the answer, with the history, switching audio over', async () => {
    const { io, model, tick } = setup();
    const first = await model.session(0);
    first.emit(
      { type: 'transcript', role: 'user', text: 'my name is Ada', final: true },
      { type: 'audio', frame: out24k(1) },
      { type: 'expiring', switchWithinMs: 90_000 }, // mid-answer: waits for the end of the turn
    );
    await until(() => io.played.length === 1, 'answer plays', tick);
    await tick();
    expect(model.sessions).toHaveLength(1);
    first.emit({ type: 'transcript', role: 'assistant', text: 'Hello Ada.', final: true }, { type: 'turnEnd' });
    const second = await model.session(1);
    expect(second.options.history).toEqual([
      { role: 'user', text: 'my name is Ada' },
      { role: 'assistant', text: 'Hello Ada.' },
    ]);
    await until(() => first.closed, 'old session closed', tick);
    const sentToFirst = first.audio.length;
    io.say(alice, speechFrame(5_000));
    await until(() => second.audio.some((f) => f.samples.some((s) => s !== 0)), 'speech reaches the new session', tick);
    expect(first.audio.length).toBe(sentToFirst);
  });

  it('adds up the usage of every session across a renewal, and prices it', async () => {
    const { model, clock, conversation, tick } = setup({
      price: (usage) => usage.sonic.speechInputTokens * 0.001 + usage.sonic.speechOutputTokens * 0.002,
    });
    const sonic = (speechIn: number, speechOut: number): VoiceEvent => ({
      type: 'usage',
      usage: {
        meter: 'sonic',
        speechInputTokens: speechIn,
        speechOutputTokens: speechOut,
        textInputTokens: 1,
        textOutputTokens: 2,
      },
    });
    const first = await model.session(0);
    first.emit(sonic(100, 0), sonic(20, 300), { type: 'expiring', switchWithinMs: 90_000 });
    const second = await model.session(1);
    await until(() => first.closed, 'old session closed', tick);
    second.emit(sonic(50, 400));
    await clock.advance(60_000);
    await until(() => conversation.summary().usage.sonic.speechInputTokens === 170, 'second usage counted', tick);
    await conversation.stop();
    const summary = conversation.summary();
    expect(summary.usage.sonic).toEqual({
      speechInputTokens: 170,
      speechOutputTokens: 700,
      textInputTokens: 3,
      textOutputTokens: 6,
    });
    expect(summary.costUsd).toBeCloseTo(0.17 + 1.4, 10);
    expect(summary.durationMs).toBeGreaterThanOrEqual(60_000);
    // Stopped: the duration no longer grows.
    await clock.advance(10_000);
    expect(conversation.summary().durationMs).toBe(summary.durationMs);
  });

  it('reports no cost when it has no price, and nothing used before anyone spoke', async () => {
    const { conversation } = setup();
    await conversation.stop();
    expect(conversation.summary()).toEqual({ durationMs: expect.any(Number), usage: emptyVoiceUsage });
  });

  it('does not renew between a finished user sentence and its answer', async () => {
    const { model, tick } = setup();
    const first = await model.session(0);
    first.emit(
      { type: 'transcript', role: 'user', text: 'tell me a joke', final: true },
      { type: 'expiring', switchWithinMs: 90_000 },
    );
    for (let i = 0; i < 3; i++) await tick();
    expect(model.sessions).toHaveLength(1);
    first.emit({ type: 'transcript', role: 'assistant', text: 'Knock knock.', final: true }, { type: 'turnEnd' });
    const second = await model.session(1);
    expect(second.options.history.at(-1)).toEqual({ role: 'assistant', text: 'Knock knock.' });
  });

  it('replays the speech the old session heard since the last turn into the new one', async () => {
    const { io, model, tick } = setup();
    const first = await model.session(0);
    first.emit({ type: 'turnEnd' });
    for (let i = 0; i < 4; i++) io.say(alice, speechFrame(5_000));
    await until(() => first.audio.some((f) => f.samples.some((s) => s !== 0)), 'speech heard by the old session', tick);
    first.emit({ type: 'expiring', switchWithinMs: 90_000 }); // not answering: renew once the user pauses
    await until(() => model.sessions.length === 2, 'renewed after the pause', tick);
    const second = await model.session(1);
    // Replayed synchronously at the switch, before any new paced frame.
    expect(second.audio.some((f) => f.samples.some((s) => s !== 0))).toBe(true);
  });

  it('prepares the next session when expiring and begins it at the turn end with the history as it is then', async () => {
    const { model, tick } = setup({ model: new ScriptedVoiceModel({ preparable: true }) });
    const first = await model.session(0);
    first.emit(
      { type: 'transcript', role: 'user', text: 'my name is Ada', final: true },
      { type: 'expiring', switchWithinMs: 90_000 },
    );
    await until(() => model.prepared.length === 1, 'next session prepared ahead', tick);
    expect(model.sessions).toHaveLength(1);
    expect(model.prepared[0]?.begun).toBeUndefined();
    first.emit({ type: 'transcript', role: 'assistant', text: 'Hello Ada.', final: true }, { type: 'turnEnd' });
    const second = await model.session(1);
    // History carried at the switch, not at preparation: it includes the answer given after `expiring`.
    expect(model.prepared[0]?.begun).toEqual({
      history: [
        { role: 'user', text: 'my name is Ada' },
        { role: 'assistant', text: 'Hello Ada.' },
      ],
      answer: undefined,
    });
    expect(second.options.history).toHaveLength(2);
    await until(() => first.closed, 'old session closed', tick);
    const sentBefore = first.audio.length;
    await until(() => second.audio.length >= 3, 'live audio goes to the new session', tick);
    expect(first.audio.length).toBe(sentBefore);
  });

  it('switches unconditionally at the deadline, mid-answer, and the new session answers the pending turn', async () => {
    const { io, model, tick, clock } = setup({ model: new ScriptedVoiceModel({ preparable: true }) });
    const first = await model.session(0);
    const expiredAt = clock.now();
    first.emit(
      { type: 'transcript', role: 'user', text: 'what is the weather', final: true },
      { type: 'expiring', switchWithinMs: 1_000 },
      { type: 'audio', frame: out24k(1) }, // the model is busy answering: no turn boundary comes
    );
    await until(() => io.played.length === 1, 'answer started', tick);
    for (let i = 0; i < 10; i++) await tick();
    expect(model.sessions).toHaveLength(1);
    await until(
      () => model.sessions.length === 2,
      'switched at the deadline',
      () => clock.advance(100),
    );
    expect(clock.now() - expiredAt).toBeGreaterThanOrEqual(1_000);
    expect(clock.now() - expiredAt).toBeLessThanOrEqual(1_100);
    const second = await model.session(1);
    expect(second.options.history).toEqual([]);
    expect(second.options.answer).toBe('what is the weather');
    expect(model.prepared[0]?.begun?.answer).toBe('what is the weather');
  });

  it('opens cold at the switch when the prepared session died', async () => {
    const { model, tick } = setup({ model: new ScriptedVoiceModel({ preparable: true }) });
    const first = await model.session(0);
    first.emit({ type: 'transcript', role: 'user', text: 'hi', final: true });
    first.emit({ type: 'expiring', switchWithinMs: 90_000 });
    await until(() => model.prepared.length === 1, 'prepared', tick);
    const dead = model.prepared[0];
    if (dead) dead.alive = false;
    first.emit({ type: 'transcript', role: 'assistant', text: 'Hello.', final: true }, { type: 'turnEnd' });
    const second = await model.session(1);
    expect(dead?.begun).toBeUndefined();
    expect(second.options.history.map((t) => t.text)).toEqual(['hi', 'Hello.']);
  });

  it('waits for the user to pause before renewing, and replays their words into the new session', async () => {
    const { io, model, tick, clock } = setup();
    const first = await model.session(0);
    first.emit({ type: 'turnEnd' });
    // Talking without pause for 1 s, the session expiring meanwhile: no switch while the words flow.
    for (let i = 0; i < 50; i++) {
      io.say(alice, speechFrame(6_000));
      await clock.advance(20);
      if (i === 10) first.emit({ type: 'expiring', switchWithinMs: 90_000 });
      expect(model.sessions).toHaveLength(1);
    }
    await until(() => model.sessions.length === 2, 'renewed in the pause', tick);
    const second = await model.session(1);
    const voiced = (frames: readonly { samples: Int16Array }[]) =>
      frames.filter((f) => f.samples.some((v) => v !== 0)).length;
    // Every voiced frame the old session heard is replayed (nothing lost); silence before the words is not.
    expect(voiced(second.audio)).toBeGreaterThanOrEqual(voiced(first.audio));
  });

  it('greets once when it joins, not again on a renewal', async () => {
    const { model, tick } = setup({ greeting: '(greet)' });
    const first = await model.session(0);
    await until(() => first.texts.length === 1, 'greeting sent', tick);
    expect(first.texts).toEqual(['(greet)']);
    first.emit({ type: 'expiring', switchWithinMs: 90_000 });
    const second = await model.session(1);
    for (let i = 0; i < 5; i++) await tick();
    expect(second.texts).toEqual([]);
  });

  it('asks for a filler while a tool runs over a second and nobody speaks, only then', async () => {
    const { io, model, tick, clock } = setup({ filler: '(filler)', fillerAfterMs: 1_000 });
    const session = await model.session(0);
    // A quick tool: done before the second is up, no filler.
    session.emit({ type: 'tool', name: 'order_status', status: 'started' });
    await clock.advance(300);
    session.emit({ type: 'tool', name: 'order_status', status: 'done' });
    await clock.advance(1_000);
    expect(session.texts).toEqual([]);
    // A slow tool while someone talks: no filler over them.
    session.emit({ type: 'tool', name: 'order_status', status: 'started' });
    for (let t = 0; t < 1_200; t += 20) {
      io.say(alice, speechFrame(6_000));
      await clock.advance(20);
    }
    expect(session.texts).toEqual([]);
    session.emit({ type: 'tool', name: 'order_status', status: 'done' });
    // A slow tool in silence: one filler.
    session.emit({ type: 'tool', name: 'order_status', status: 'started' });
    await until(() => session.texts.length === 1, 'filler', tick);
    expect(session.texts).toEqual(['(filler)']);
    for (let i = 0; i < 40; i++) await tick();
    expect(session.texts).toHaveLength(1);
  });

  it('measures voice-to-voice latency per turn and counts renewals for /voice status', async () => {
    const { io, model, clock, conversation, tick } = setup();
    const first = await model.session(0);
    expect(conversation.stats()).toEqual({
      engine: 'sonic',
      model: undefined,
      renewals: 0,
      turns: 0,
      voiceToVoiceMs: undefined,
    });
    for (const wait of [700, 900]) {
      for (let t = 0; t < 400; t += 20) {
        io.say(alice, speechFrame(6_000));
        await clock.advance(20);
      }
      await clock.advance(wait);
      const before = io.played.length;
      first.emit({ type: 'audio', frame: out24k(1) }, { type: 'audio', frame: out24k(2) }, { type: 'turnEnd' });
      await until(
        () => io.played.length === before + 2,
        'answer played',
        () => Promise.resolve(clock.advance(0)),
      );
    }
    const stats = conversation.stats();
    expect(stats.turns).toBe(2);
    // Virtual time: the paced frame carrying the last words goes out up to two frames after they were said.
    expect(stats.voiceToVoiceMs?.p50).toBeGreaterThanOrEqual(700 - 80);
    expect(stats.voiceToVoiceMs?.p95).toBeLessThanOrEqual(900 + 40);
    first.emit({ type: 'expiring', switchWithinMs: 90_000 });
    await until(() => conversation.stats().renewals === 1, 'renewal counted', tick);
  });

  it('keeps history across several renewals (sessions shorter than the conversation)', async () => {
    const { model, tick } = setup();
    for (let i = 0; i < 3; i++) {
      const session = await model.session(i);
      session.emit(
        { type: 'transcript', role: 'user', text: `question ${i}`, final: true },
        { type: 'transcript', role: 'assistant', text: `answer ${i}`, final: true },
        { type: 'turnEnd' },
        { type: 'expiring', switchWithinMs: 90_000 },
      );
      await tick();
    }
    const fourth = await model.session(3);
    expect(fourth.options.history.map((t) => t.text)).toEqual([
      'question 0',
      'answer 0',
      'question 1',
      'answer 1',
      'question 2',
      'answer 2',
    ]);
    expect(model.sessions.slice(0, 3).every((s) => s.closed)).toBe(true);
  });

  it('reopens after a recoverable error with the history, after a backoff', async () => {
    const { io, model, tick, clock } = setup();
    const first = await model.session(0);
    first.emit(
      { type: 'transcript', role: 'user', text: 'hello', final: true },
      { type: 'error', code: 'voice.model_error', message: 'stream broke', recoverable: true },
    );
    await until(
      () => model.sessions.length === 2,
      'reopened',
      () => clock.advance(50),
    );
    const second = await model.session(1);
    // The unanswered user turn is sent to be answered, not buried in the history.
    expect(second.options.history).toEqual([]);
    expect(second.options.answer).toBe('hello');
    await until(() => second.audio.length > 0, 'audio to the new session', tick);
    expect(io.lines).toEqual(['🗣️ hello']);
  });

  it('ends with one line in the channel on a non-recoverable error', async () => {
    const { io, model, conversation } = setup();
    (await model.session(0)).emit({
      type: 'error',
      code: 'voice.access_denied',
      message: 'No access to Nova Sonic.',
      recoverable: false,
    });
    expect(await conversation.done).toEqual({
      status: 'failed',
      code: 'voice.access_denied',
      message: 'No access to Nova Sonic.',
    });
    expect(io.lines).toEqual(['⚠️ Voice conversation ended: No access to Nova Sonic. Use /join to start again.']);
    expect(model.sessions).toHaveLength(1);
    expect(model.sessions[0]?.closed).toBe(true);
  });

  it('gives up after the allowed consecutive failures (throttled on every open)', async () => {
    const { io, model, conversation, clock } = setup({ transcripts: false });
    model.onOpen = (s) =>
      s.emit({ type: 'error', code: 'voice.throttled', message: 'Nova Sonic is busy.', recoverable: true });
    (await model.session(0)).emit({
      type: 'error',
      code: 'voice.throttled',
      message: 'Nova Sonic is busy.',
      recoverable: true,
    });
    let end: unknown;
    void conversation.done.then((e) => {
      end = e;
    });
    await until(
      () => end !== undefined,
      'conversation ends',
      () => clock.advance(100),
    );
    expect(end).toMatchObject({ status: 'failed', code: 'voice.throttled' });
    expect(model.sessions).toHaveLength(3); // the first + 2 retries
    expect(io.lines).toEqual(['⚠️ Voice conversation ended: Nova Sonic is busy. Use /join to start again.']);
  });

  it('lets tools act for the last allowed speaker, mapped by our code', async () => {
    const { io, model, tick } = setup({ allowed: (s) => s !== bob });
    const session = await model.session(0);
    expect(session.options.caller()).toEqual({ user: host, isStaff: false });
    io.say(bob, speechFrame(8_000));
    io.say(alice, speechFrame(8_000));
    io.say(bob, speechFrame(8_000));
    await until(() => session.audio.length >= 3, 'frames', tick);
    expect(session.options.caller()).toEqual({ user: alice, isStaff: false });
  });

  it('runs two conversations independently: one crashing does not touch the other', async () => {
    const a = setup();
    const b = setup();
    a.model.onOpen = (s) => s.fail(new Error('adapter bug'));
    (await a.model.session(0)).fail(new Error('adapter bug'));
    const bSession = await b.model.session(0);
    let aEnd: unknown;
    void a.conversation.done.then((e) => {
      aEnd = e;
    });
    await until(
      () => aEnd !== undefined,
      'a ends',
      () => a.clock.advance(100),
    );
    expect(aEnd).toMatchObject({ status: 'failed', code: 'voice.session_crashed' });
    expect(a.io.lines).toEqual(['⚠️ Voice conversation ended: The voice session crashed. Use /join to start again.']);
    bSession.emit({ type: 'audio', frame: out24k(9) });
    await until(() => b.io.played.length === 1 && bSession.audio.length >= 3, 'b goes on', b.tick);
    expect(bSession.closed).toBe(false);
  });

  it('survives a chat that cannot be posted to', async () => {
    const { io, model, tick } = setup();
    io.postFails = true;
    const session = await model.session(0);
    session.emit({ type: 'transcript', role: 'user', text: 'hi', final: true }, { type: 'audio', frame: out24k(4) });
    await until(() => io.played.length === 1, 'audio still plays', tick);
  });

  it('stop() closes the session, stops sending audio and resolves done', async () => {
    const { io, model, tick, conversation } = setup();
    const session = await model.session(0);
    io.say(alice, speechFrame(1_000));
    await until(() => session.audio.length > 0, 'audio', tick);
    await conversation.stop();
    expect(session.closed).toBe(true);
    expect(await conversation.done).toEqual({ status: 'stopped' });
    const sent = session.audio.length;
    io.say(alice, speechFrame(1_000));
    for (let i = 0; i < 5; i++) await tick();
    expect(session.audio.length).toBe(sent);
    await conversation.stop(); // idempotent
  });

  it('ends when the channel closes', async () => {
    const { io, model, conversation } = setup();
    const session = await model.session(0);
    io.close();
    expect(await conversation.done).toEqual({ status: 'channel_closed' });
    expect(session.closed).toBe(true);
  });
});
