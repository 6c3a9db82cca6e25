import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCaller } from '../../../src/app/tools.ts';
import { DEFAULT_VOICE_SYSTEM_PROMPT, type VoiceDeps } from '../../../src/app/voice/deps.ts';
import { startVoice } from '../../../src/app/voice/start-voice.ts';
import type { JoinRequest } from '../../../src/chat/voice-surface.ts';
import { userId } from '../../../src/domain/ids.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { RunningVoiceConversation } from '../../../src/voice/conversation-loop.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { MemoryChannelIo, ScriptedVoiceModel, speechFrame, until } from '../../support/voice-loop-fakes.ts';

const host: ToolCaller = { user: userId('discord', 'host'), isStaff: true };
const guest = userId('discord', 'guest');
const request = (overrides: Partial<JoinRequest> = {}): JoinRequest => ({
  engine: 'sonic',
  listen: 'everyone',
  transcripts: true,
  ...overrides,
});

describe('startVoice', () => {
  const running: RunningVoiceConversation[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  function deps(model = new ScriptedVoiceModel(), clock = new FakeClock()): VoiceDeps {
    return {
      models: { sonic: model },
      tools: () => [],
      systemPrompt: DEFAULT_VOICE_SYSTEM_PROMPT,
      clock,
    };
  }

  it('refuses an engine that is not configured, with a hint', () => {
    const result = startVoice(deps(), {
      io: new MemoryChannelIo(),
      request: request({ engine: 'cascade' }),
      invoker: host,
      log: silentLogger,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'voice.engine_unavailable',
        message: 'The cascade voice engine is not configured.',
        hint: 'Use engine:sonic.',
      },
    });
  });

  it('opens the model with the system prompt and no voice of its own; tools act for the invoker first', async () => {
    const model = new ScriptedVoiceModel();
    const result = startVoice(deps(model), {
      io: new MemoryChannelIo(),
      request: request(),
      invoker: host,
      log: silentLogger,
    });
    if (!result.ok) throw new Error(result.error.message);
    running.push(result.value);
    const session = await model.session(0);
    expect(session.options).toMatchObject({ systemPrompt: DEFAULT_VOICE_SYSTEM_PROMPT, history: [] });
    expect(session.options.voice).toBeUndefined();
    expect(session.options.caller()).toEqual(host);
  });

  it('listens only to the invoker with listen: me', async () => {
    const model = new ScriptedVoiceModel();
    const clock = new FakeClock();
    const io = new MemoryChannelIo();
    const result = startVoice(deps(model, clock), {
      io,
      request: request({ listen: 'me', voice: 'tiffany' }),
      invoker: host,
      log: silentLogger,
    });
    if (!result.ok) throw new Error(result.error.message);
    running.push(result.value);
    const session = await model.session(0);
    expect(session.options.voice).toBe('tiffany');
    for (let i = 0; i < 5; i++) io.say(guest, speechFrame(9_000));
    await until(
      () => session.audio.length >= 8,
      'frames',
      () => clock.advance(32),
    );
    expect(session.audio.every((f) => f.samples.every((s) => s === 0))).toBe(true);
    expect(session.options.caller()).toEqual(host);
  });

  it('hands each turn’s voice-to-voice latency to the metrics hook, with the engine', async () => {
    const model = new ScriptedVoiceModel();
    const clock = new FakeClock();
    const io = new MemoryChannelIo();
    const seen: [number, string][] = [];
    const result = startVoice(
      { ...deps(model, clock), onVoiceToVoice: (ms, engine) => seen.push([ms, engine]) },
      { io, request: request(), invoker: host, log: silentLogger },
    );
    if (!result.ok) throw new Error(result.error.message);
    running.push(result.value);
    const session = await model.session(0);
    for (let t = 0; t < 200; t += 20) {
      io.say(guest, speechFrame(6_000));
      await clock.advance(20);
    }
    await clock.advance(600);
    session.emit({ type: 'audio', frame: { sampleRate: 24_000, channels: 1, samples: new Int16Array(480) } });
    await until(
      () => seen.length === 1,
      'latency reported',
      () => clock.advance(0),
    );
    expect(seen[0]?.[1]).toBe('sonic');
    expect(seen[0]?.[0]).toBe(result.value.stats().voiceToVoiceMs?.p50);
  });
});
