import { afterEach, describe, expect, it } from 'vitest';
import { conversationVoice } from '../../../adapters/web/conversation-voice.ts';
import { PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import type { VoiceDeps } from '../../../src/app/voice/deps.ts';
import { userId } from '../../../src/domain/ids.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { MemoryChannelIo, ScriptedVoiceModel } from '../../support/voice-loop-fakes.ts';
import { fakeCore } from './fake-commands.ts';
import { type MicSocket, openMic } from './mic-client.ts';

describe('playground voice over the conversation loop', () => {
  let surface: PlaygroundSurface | undefined;
  const mics: MicSocket[] = [];

  const start = async (models: VoiceDeps['models']) => {
    surface = new PlaygroundSurface({
      core: fakeCore().core,
      port: 0,
      voice: conversationVoice({ models, tools: () => [], systemPrompt: 'Be brief.' }, silentLogger),
    });
    await surface.start();
    return surface.url;
  };

  afterEach(async () => {
    for (const mic of mics.splice(0)) mic.socket.terminate();
    await surface?.stop();
    surface = undefined;
  });

  it('streams the microphone to the model and its speech, barge-in and transcripts back', async () => {
    const model = new ScriptedVoiceModel();
    const url = await start({ sonic: model });
    const mic = await openMic(url, 'name=alice');
    mics.push(mic);
    const session = await model.session(0);
    expect(session.options.caller()).toEqual({ user: 'web:alice', isStaff: false });

    const speech = Buffer.alloc(640);
    for (let i = 0; i < 320; i++) speech.writeInt16LE(3000, i * 2);
    for (let i = 0; i < 10; i++) mic.socket.send(speech);
    await expect
      .poll(() => session.audio.some((f) => f.sampleRate === 16_000 && f.samples.some((s) => s !== 0)), {
        timeout: 10_000,
      })
      .toBe(true);

    session.emit(
      { type: 'transcript', role: 'user', text: 'where is my order', final: true },
      { type: 'audio', frame: { sampleRate: 24_000, channels: 1, samples: new Int16Array(480).fill(7) } },
      { type: 'interrupted' },
      { type: 'transcript', role: 'assistant', text: 'On its way.', final: true },
      { type: 'turnEnd' },
    );
    await expect.poll(() => mic.binaries.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(mic.binaries[0]?.readUInt32LE(0)).toBe(24_000);
    await expect.poll(() => mic.texts.some((t) => t.type === 'interrupted'), { timeout: 10_000 }).toBe(true);
    await expect
      .poll(() => mic.texts.filter((t) => t.type === 'line').map((t) => t.text ?? ''), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([expect.stringContaining('where is my order'), expect.stringContaining('On its way.')]),
      );
    // The microphone's owner is named: the model and the transcript know who spoke.
    expect(mic.texts.some((t) => t.type === 'line' && t.text?.includes('alice: where is my order'))).toBe(true);
    expect(session.speakers.map((s) => s.name)).toEqual(['alice']);

    mic.socket.close();
    await mic.closed;
    await expect.poll(() => session.closed, { timeout: 10_000 }).toBe(true);
  });

  it('leaves with what the conversation used and its price', async () => {
    const model = new ScriptedVoiceModel();
    const hook = conversationVoice(
      { models: { sonic: model }, tools: () => [], systemPrompt: 'Be brief.', price: () => 0.5 },
      silentLogger,
    );
    const io = new MemoryChannelIo();
    const voice = hook({
      invoker: { user: userId('web', 'alice'), displayName: 'alice', isStaff: false },
      io,
      channelName: "alice's microphone",
    });
    expect(await voice?.join({ engine: 'sonic', listen: 'me', transcripts: true })).toMatchObject({ ok: true });
    const session = await model.session(0);
    const sonic = { meter: 'sonic', speechInputTokens: 40, speechOutputTokens: 90, textInputTokens: 0 } as const;
    session.emit(
      { type: 'usage', usage: { ...sonic, textOutputTokens: 3 } },
      { type: 'transcript', role: 'user', text: 'thanks', final: true },
    );
    // Events are handled in order: once the transcript is posted, the usage before it is counted.
    await expect.poll(() => io.lines.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const left = await voice?.leave();
    expect(left?.ok && left.value.summary).toMatchObject({
      usage: { sonic: { speechInputTokens: 40, speechOutputTokens: 90, textInputTokens: 0, textOutputTokens: 3 } },
      costUsd: 0.5,
    });
    // Nothing running any more: leaving again reports nothing.
    expect(await voice?.leave()).toEqual({ ok: true, value: {} });
  });

  it('/voice status: engine, model, the microphone and what it delivered, turns; an error before joining', async () => {
    const model = new ScriptedVoiceModel();
    const hook = conversationVoice(
      { models: { sonic: model }, tools: () => [], systemPrompt: 'Be brief.' },
      silentLogger,
    );
    const voice = hook({
      invoker: { user: userId('web', 'alice'), displayName: 'alice', isStaff: false },
      io: new MemoryChannelIo(),
      channelName: "alice's microphone",
      received: () => ({ name: 'alice', received: 50, decoded: 49, lost: 1, concealed: 0, failures: 0 }),
    });
    expect(voice?.status?.()).toMatchObject({ ok: false, error: { code: 'voice.not_joined' } });
    await voice?.join({ engine: 'sonic', listen: 'everyone', transcripts: true });
    await model.session(0);
    expect(voice?.status?.()).toMatchObject({
      ok: true,
      value: {
        channelName: "alice's microphone",
        engine: 'sonic',
        listen: 'me',
        connection: 'microphone connected',
        speakers: [{ name: 'alice', received: 50, decoded: 49, lost: 1 }],
        renewals: 0,
        turns: 0,
      },
    });
    await voice?.leave();
  });

  it('refuses an engine that is not configured, and says voice is not set up without any', async () => {
    const url = await start({ sonic: new ScriptedVoiceModel() });
    const cascade = await openMic(url, 'name=alice&engine=cascade');
    await cascade.closed;
    expect(cascade.texts.at(-1)?.text).toContain('cascade voice engine is not configured');
    await surface?.stop();
    const bare = await start({});
    const none = await openMic(bare, 'name=alice');
    await none.closed;
    expect(none.texts[0]?.text).toContain('Voice is not set up');
  });
});
