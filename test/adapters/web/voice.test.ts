import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import type { PlaygroundVoiceHook, PlaygroundVoiceSession } from '../../../adapters/web/voice-route.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { errorReply, text } from '../../../src/chat/reply.ts';
import type { JoinRequest } from '../../../src/chat/voice-surface.ts';
import { ok } from '../../../src/domain/result.ts';
import type { SpeakerFrame } from '../../../src/voice/channel-io.ts';
import { fakeCore } from './fake-commands.ts';
import { openMic } from './mic-client.ts';
import { TestClient } from './ws-client.ts';

/** A voice hook that records what the surface gives it, standing in for the conversation loop. */
function recordingVoice() {
  const sessions: PlaygroundVoiceSession[] = [];
  const joins: JoinRequest[] = [];
  let leaves = 0;
  const hook: PlaygroundVoiceHook = (session) => {
    sessions.push(session);
    return {
      async join(request) {
        joins.push(request);
        return ok({ channelName: session.channelName });
      },
      async leave() {
        leaves++;
        return ok({});
      },
    };
  };
  return { hook, sessions, joins, leaves: () => leaves };
}

const joinCommand = defineCommand({
  name: 'join',
  description: 'Joins voice',
  options: {},
  visibility: 'public',
  surfaces: ['discord', 'web'],
  async run(ctx) {
    if (!ctx.voice) return text('no voice here');
    const joined = await ctx.voice.join({ engine: 'cascade', listen: 'me', transcripts: true });
    return joined.ok ? text(`joined ${joined.value.channelName}`) : errorReply(joined.error);
  },
});

async function take(speech: AsyncIterable<SpeakerFrame>, count: number): Promise<SpeakerFrame[]> {
  const frames: SpeakerFrame[] = [];
  for await (const frame of speech) {
    frames.push(frame);
    if (frames.length === count) break;
  }
  return frames;
}

describe('playground voice socket', () => {
  let surface: PlaygroundSurface | undefined;
  const sockets: WebSocket[] = [];

  const start = async (hook?: PlaygroundVoiceHook) => {
    const fake = fakeCore();
    const core = { ...fake.core, commands: [...fake.core.commands, joinCommand] };
    surface = new PlaygroundSurface({ core, port: 0, ...(hook ? { voice: hook } : {}) });
    await surface.start();
    return surface;
  };

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await surface?.stop();
    surface = undefined;
  });

  it('says clearly that voice is not set up when there is no voice hook', async () => {
    const { url } = await start();
    const mic = await openMic(url, 'name=alice');
    expect(await mic.closed).toBe(1000);
    expect(mic.texts[0]?.text).toContain('Voice is not set up');
    const tab = await TestClient.as(url, 'alice');
    tab.send({ type: 'command', id: 'j', name: 'join' });
    expect((await tab.final('j')).reply).toMatchObject({ kind: 'error', code: 'voice.not_configured' });
    await tab.close();
  });

  it('refuses a microphone without a valid name', async () => {
    const voice = recordingVoice();
    const { url } = await start(voice.hook);
    const mic = await openMic(url, 'name=../x');
    expect(await mic.closed).toBe(1008);
    expect(voice.sessions).toHaveLength(0);
  });

  it('joins on connect, carries 16 kHz speech in, and speech, barge-in and lines out', async () => {
    const voice = recordingVoice();
    const { url } = await start(voice.hook);
    const mic = await openMic(url, 'name=alice&engine=cascade');
    sockets.push(mic.socket);
    await expect.poll(() => mic.texts.find((t) => t.type === 'joined')).toBeTruthy();
    expect(voice.joins).toEqual([{ engine: 'cascade', listen: 'me', transcripts: true }]);
    const session = voice.sessions[0];
    if (!session) throw new Error('no voice session');
    expect(session.invoker).toEqual({ user: 'web:alice', displayName: 'alice', isStaff: false });

    const frame = Buffer.alloc(640);
    frame.writeInt16LE(1234, 0);
    frame.writeInt16LE(-42, 638);
    mic.socket.send(frame);
    mic.socket.send(frame);
    const heard = await take(session.io.speech, 2);
    expect(heard[0]?.speaker).toBe('web:alice');
    expect(heard[0]?.frame.sampleRate).toBe(16_000);
    expect(heard[0]?.frame.samples.length).toBe(320);
    expect([heard[0]?.frame.samples[0], heard[0]?.frame.samples[319]]).toEqual([1234, -42]);

    session.io.play({ sampleRate: 24_000, channels: 1, samples: Int16Array.from([1, -2, 3]) });
    session.io.play({ sampleRate: 48_000, channels: 2, samples: Int16Array.from([100, 200, -100, -300]) });
    session.io.stopPlayback();
    await session.io.post('You: hello');
    await expect.poll(() => mic.binaries.length).toBe(2);
    const [mono, stereo] = mic.binaries as [Buffer, Buffer];
    expect(mono.readUInt32LE(0)).toBe(24_000);
    expect([mono.readInt16LE(4), mono.readInt16LE(6), mono.readInt16LE(8)]).toEqual([1, -2, 3]);
    expect(stereo.readUInt32LE(0)).toBe(48_000);
    expect([stereo.readInt16LE(4), stereo.readInt16LE(6)]).toEqual([150, -200]);
    await expect.poll(() => mic.texts.map((t) => t.type)).toEqual(['joined', 'interrupted', 'line']);

    mic.socket.close();
    await mic.closed;
    await expect.poll(() => voice.leaves()).toBe(1);
    // The speech stream ends when the socket closes, so the loop finishes.
    expect(await take(session.io.speech, 1)).toEqual([]);
  });

  it('lets a typed /join reach the open microphone, and says to press it otherwise', async () => {
    const voice = recordingVoice();
    const { url } = await start(voice.hook);
    const tab = await TestClient.as(url, 'bob');
    tab.send({ type: 'command', id: 'j1', name: 'join' });
    expect((await tab.final('j1')).reply).toMatchObject({ kind: 'error', code: 'voice.no_microphone' });
    const mic = await openMic(url, 'name=bob');
    sockets.push(mic.socket);
    await expect.poll(() => mic.texts.length).toBeGreaterThan(0);
    tab.send({ type: 'command', id: 'j2', name: 'join' });
    expect((await tab.final('j2')).reply).toEqual({ kind: 'text', text: "joined bob's microphone" });
    expect(voice.joins.map((j) => j.engine)).toEqual(['sonic', 'cascade']);
    await tab.close();
  });
});
