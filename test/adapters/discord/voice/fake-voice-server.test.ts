import tls from 'node:tls';
import OpusScript from 'opusscript';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordVoiceSessions, LINES } from '../../../../adapters/discord/voice/voice-sessions.ts';
import type { JoinRequest } from '../../../../src/chat/voice-surface.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';
import { startVoiceConversation } from '../../../../src/voice/conversation-loop.ts';
import type { PcmFrame } from '../../../../src/voice/pcm.ts';
import { BOT_ID, FakeDiscordVoice, type SpeakOptions } from '../../../support/fake-discord-voice/fake-discord-voice.ts';
import { LoopbackVoiceHost } from '../../../support/fake-discord-voice/loopback-voice-host.ts';
import { type ScriptedSession, ScriptedVoiceModel, until } from '../../../support/voice-loop-fakes.ts';
import { speechPackets, speechPcm } from './voice-fakes.ts';

/**
 * The real @discordjs/voice client, our voice link, sessions and conversation loop, against a loopback Discord
 * voice server speaking the real protocol (wss voice gateway v8, UDP IP discovery, RTP sealed with
 * aead_aes256_gcm_rtpsize), with DAVE off (the first describe: the transport and lifecycle) and on (the second:
 * a real MLS group between the bot and davey members, the server as external sender). Bursts of decryption
 * failures are made at the transport layer (packets sealed with a wrong key): they reach our code exactly as
 * DAVE's do once past the library's tolerance (the receiver destroys that speaker's stream with the error), and
 * unlike DAVE failures they can be placed on chosen packets. Everything binds 127.0.0.1, every wait is bounded.
 */
const request: JoinRequest = { engine: 'sonic', listen: 'everyone', transcripts: true };
const GENERAL = 'general';
const LOUNGE = 'lounge';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const step = (): Promise<void> => sleep(20);

beforeAll(() => {
  // The voice gateway is always wss: trust the loopback certificate in this worker only.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), FakeDiscordVoice.certificate()]);
});

const worlds: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function aWorld(options: { reconnectTimeoutMs?: number; heartbeatMs?: number; dave?: boolean } = {}) {
  const discord = await FakeDiscordVoice.start({
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    dave: options.dave ?? false,
  });
  const model = new ScriptedVoiceModel();
  const sessions = new DiscordVoiceSessions({
    host: new LoopbackVoiceHost(discord, silentLogger, options.reconnectTimeoutMs ?? 1_500),
    log: silentLogger,
    stallMs: 3_000,
    startConversation: (io, _request, invoker) =>
      startVoiceConversation({ io, model, tools: [], caller: () => invoker, transcripts: true, log: silentLogger }),
  });
  const world = {
    discord,
    model,
    sessions,
    close: async () => {
      await sessions.close();
      await discord.close();
    },
  };
  worlds.push(world);
  return world;
}

type World = Awaited<ReturnType<typeof aWorld>>;

/** Joins `user` in `guild`'s General and the bot after them; resolves with the model session. */
async function joined(
  world: World,
  guild = 'g1',
  user = 'u1',
  channel = `${guild}-${GENERAL}`,
): Promise<ScriptedSession> {
  world.discord.enter(guild, user, channel);
  const index = world.model.sessions.length;
  expect(await world.sessions.voiceFor(guild, user).join(request)).toMatchObject({ ok: true });
  return world.model.session(index);
}

const rms = (frames: readonly PcmFrame[]): number => {
  let sum = 0;
  let n = 0;
  for (const { samples } of frames) {
    for (const s of samples) sum += s * s;
    n += samples.length;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
};

/** Milliseconds of non-silent 16 kHz audio the model received. */
const speechMs = (session: ScriptedSession): number =>
  session.audio.filter((frame) => rms([frame]) > 200).reduce((ms, f) => ms + (f.samples.length / 16_000) * 1_000, 0);

async function hears(world: World, guild: string, session: ScriptedSession, options: SpeakOptions = {}, user = 'u1') {
  const before = speechMs(session);
  await world.discord.speak(guild, user, speechPackets().slice(0, 100), options);
  await until(() => speechMs(session) - before >= 800, 'the model hears the user', step);
}

/** The model answers with 1 s of real speech; resolves once the fake user has heard it as Opus over RTP. */
async function answers(world: World, guild: string, session: ScriptedSession): Promise<void> {
  const before = world.discord.heard(guild).length;
  const pcm = speechPcm(24).subarray(0, 24_000);
  for (let at = 0; at < pcm.length; at += 480) {
    session.emit({ type: 'audio', frame: { sampleRate: 24_000, channels: 1, samples: pcm.subarray(at, at + 480) } });
  }
  session.emit({ type: 'turnEnd' });
  await until(() => world.discord.heard(guild).length - before >= 45, 'the user hears the answer', step);
  const decoder = new OpusScript(48_000, 2);
  const decoded = world.discord
    .heard(guild)
    .slice(before)
    .map((packet) => decoder.decode(packet));
  decoder.delete();
  const energy = rms(
    decoded.map((pcm) => ({
      sampleRate: 48_000,
      channels: 2,
      samples: new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1),
    })),
  );
  expect(energy).toBeGreaterThan(300);
}

describe('Discord voice against a loopback voice server (real @discordjs/voice client)', { timeout: 90_000 }, () => {
  it('joins, hears a user speak (real Opus over sealed RTP) and answers with speech the user receives', async () => {
    const world = await aWorld({ heartbeatMs: 250 });
    const session = await joined(world);
    expect(world.discord.connected('g1')).toBe(true);
    await hears(world, 'g1', session);
    await answers(world, 'g1', session);
    await until(() => world.discord.heartbeats >= 2, 'heartbeats acknowledged', step);
    expect(await world.sessions.voiceFor('g1', 'u1').leave()).toMatchObject({ ok: true });
    await until(() => world.discord.channelOf('g1', BOT_ID) === undefined, 'the bot left voice', step);
  });

  it('follows a move to another channel: reconnects, keeps hearing, and transcripts go to the new chat', async () => {
    const world = await aWorld();
    const session = await joined(world);
    world.discord.enter('g1', 'u1', `g1-${LOUNGE}`);
    world.discord.moveBot('g1', `g1-${LOUNGE}`);
    await until(() => world.discord.connected('g1'), 'reconnected in the Lounge', step);
    await hears(world, 'g1', session);
    session.emit({ type: 'transcript', role: 'user', text: 'Where is my order?', final: true });
    await until(() => world.discord.chat.length > 0, 'a transcript line', step);
    expect(world.discord.chat.every((line) => line.channelId === `g1-${LOUNGE}`)).toBe(true);
    expect(world.model.sessions).toHaveLength(1);
    expect(world.sessions.guilds).toEqual(['g1']);
  });

  it('a kick (close 4014, no new channel) ends the conversation with one line and stops the model stream', async () => {
    const world = await aWorld();
    const session = await joined(world);
    world.discord.kickBot('g1');
    await until(() => world.sessions.guilds.length === 0, 'the session ended', step);
    expect(world.discord.chat).toEqual([{ channelId: `g1-${GENERAL}`, line: LINES.disconnected }]);
    expect(session.closed).toBe(true);
  });

  it('a voice server change and an invalidated session (close 4006) reconnect by themselves', async () => {
    const world = await aWorld();
    const session = await joined(world);
    const sessionsBefore = world.discord.sessionCount;
    world.discord.changeVoiceServer('g1');
    await until(() => world.discord.sessionCount > sessionsBefore && world.discord.connected('g1'), 'new region', step);
    await hears(world, 'g1', session);
    world.discord.invalidateSession('g1');
    await until(
      () => world.discord.sessionCount > sessionsBefore + 1 && world.discord.connected('g1'),
      'rejoined',
      step,
    );
    await hears(world, 'g1', session);
    await answers(world, 'g1', session);
    expect(world.sessions.guilds).toEqual(['g1']);
    expect(world.discord.chat).toEqual([]);
  });

  it('a reconnect that never completes is bounded: one rejoin, then a line, and the model stream stops', async () => {
    const world = await aWorld({ reconnectTimeoutMs: 700 });
    const session = await joined(world);
    const joinsBefore = world.discord.joinRequests;
    world.discord.holdJoins = true;
    world.discord.invalidateSession('g1');
    await until(() => world.sessions.guilds.length === 0, 'gave up', step);
    // The library's own rejoin after 4006, then ours once the bound passed; then no more.
    expect(world.discord.joinRequests - joinsBefore).toBe(2);
    expect(world.discord.chat).toEqual([{ channelId: `g1-${GENERAL}`, line: LINES.reconnectFailed }]);
    expect(session.closed).toBe(true);
  });

  it('a voice server that never answers Identify (stuck in Connecting) is bounded the same way', async () => {
    const world = await aWorld({ reconnectTimeoutMs: 700 });
    const session = await joined(world);
    world.discord.holdIdentify = true;
    world.discord.invalidateSession('g1');
    await until(() => world.sessions.guilds.length === 0, 'gave up', step);
    expect(world.discord.chat).toEqual([{ channelId: `g1-${GENERAL}`, line: LINES.reconnectFailed }]);
    expect(session.closed).toBe(true);
  });

  it('decryption failures mid-sentence drop those frames and the talk goes on; a burst rejoins, it does not end', async () => {
    const world = await aWorld();
    const session = await joined(world);
    // Two isolated failures: frames dropped, the speaker's stream is re-subscribed, nothing else happens.
    await hears(world, 'g1', session, { corrupt: new Set([30, 60]) });
    const sessionsBefore = world.discord.sessionCount;
    // A burst of failures (what a broken DAVE epoch looks like to our code): one rejoin, fresh voice session.
    await world.discord.speak('g1', 'u1', speechPackets().slice(0, 40), { corrupt: new Set([5, 10, 15, 20]) });
    await until(() => world.discord.sessionCount > sessionsBefore && world.discord.connected('g1'), 'rejoined', step);
    await hears(world, 'g1', session);
    await answers(world, 'g1', session);
    expect(world.discord.chat).toEqual([]);
    expect(world.sessions.guilds).toEqual(['g1']);
  });

  it('5% packet loss and reordering: speech still reaches the model and the conversation goes on', async () => {
    const world = await aWorld();
    const session = await joined(world);
    await hears(world, 'g1', session, { loss: 0.05, reorder: 0.05 });
    await answers(world, 'g1', session);
  });

  it('two people in the channel: each is named to the model before their words, and their turns are labelled', async () => {
    const world = await aWorld();
    world.discord.names.set('u1', 'Alice');
    world.discord.names.set('u2', 'Bob');
    world.discord.enter('g1', 'u2', `g1-${GENERAL}`);
    const session = await joined(world);
    await hears(world, 'g1', session);
    session.emit({ type: 'transcript', role: 'user', text: 'where is my order', final: true });
    await until(() => world.discord.chat.length === 1, 'Alice’s turn posted', step);
    await hears(world, 'g1', session, {}, 'u2');
    session.emit({ type: 'transcript', role: 'user', text: 'and mine', final: true });
    await until(() => world.discord.chat.at(-1)?.line.includes('Bob') === true, 'Bob’s turn in the chat', step);
    expect(session.speakers.map((s) => s.name)).toEqual(['Alice', 'Bob']);
    // Both user turns are unanswered, so they share one message, edited as it grew.
    expect(world.discord.chat.map((c) => c.line)).toEqual(['🗣️ Alice: where is my order\n🗣️ Bob: and mine']);
  });

  it('two guilds at once: each hears its own user and answers in its own channel; one ending leaves the other', async () => {
    const world = await aWorld();
    const one = await joined(world, 'g1');
    const two = await joined(world, 'g2', 'u2');
    await Promise.all([hears(world, 'g1', one), hears(world, 'g2', two, {}, 'u2')]);
    await Promise.all([answers(world, 'g1', one), answers(world, 'g2', two)]);
    world.discord.kickBot('g1');
    await until(() => world.sessions.guilds.length === 1, 'g1 ended', step);
    expect(world.sessions.guilds).toEqual(['g2']);
    await hears(world, 'g2', two, {}, 'u2');
  });
});

/**
 * DAVE on both ends: the fake voice server is the MLS external sender (it signs Add proposals), the fake users are
 * real DAVE members (@snazzah/davey in process), the bot is @discordjs/voice's own DAVE session. Ids are
 * snowflakes because DAVE reads user and channel ids as 64-bit integers.
 */
describe('Discord voice with DAVE end-to-end encryption against the loopback voice server', { timeout: 90_000 }, () => {
  const GUILD = '400000000000000001';
  const CHANNEL = '300000000000000001';
  const ALICE = '200000000000000001';
  const BOB = '200000000000000002';

  it('joins the MLS group by welcome, hears DAVE-encrypted speech and answers with DAVE-encrypted speech', async () => {
    const world = await aWorld({ dave: true });
    const session = await joined(world, GUILD, ALICE, CHANNEL);
    await hears(world, GUILD, session, {}, ALICE);
    await answers(world, GUILD, session);
    expect(world.discord.daveEpoch(CHANNEL)).toBe(1n);
    expect(world.discord.daveFrames).toBeGreaterThan(40);
    expect(world.discord.undecryptable).toBe(0);
    expect(world.discord.invalidCommits).toBe(0);
  });

  it('an epoch change mid-sentence (someone joins) loses no more than a few frames and needs no rejoin', async () => {
    const world = await aWorld({ dave: true });
    const session = await joined(world, GUILD, ALICE, CHANNEL);
    await hears(world, GUILD, session, {}, ALICE);
    const sessionsBefore = world.discord.sessionCount;
    const before = speechMs(session);
    await world.discord.speak(GUILD, ALICE, speechPackets().slice(0, 100), {
      onPacket: (index) => void (index === 30 && world.discord.enter(GUILD, BOB, CHANNEL)),
    });
    await until(() => speechMs(session) - before >= 800, 'the model hears the whole sentence', step);
    expect(world.discord.daveEpoch(CHANNEL)).toBe(2n);
    // /voice status reads the real connection: transport mode, DAVE protocol version and the epoch now.
    const status = world.sessions.voiceFor(GUILD, ALICE).status?.();
    expect(status).toMatchObject({
      ok: true,
      value: { connection: 'ready', encryption: 'aead_aes256_gcm_rtpsize', dave: { epoch: 2 } },
    });
    const value = status?.ok ? status.value : undefined;
    expect(value?.dave?.protocolVersion).toBeGreaterThanOrEqual(1);
    expect(value?.speakers.find((s) => s.name === `User ${ALICE}`)?.decoded).toBeGreaterThan(150);
    await answers(world, GUILD, session);
    expect(world.discord.sessionCount).toBe(sessionsBefore);
    expect(world.discord.invalidCommits).toBe(0);
    expect(world.discord.chat).toEqual([]);
  });

  it('a few frames arriving without the DAVE layer (seen in the field) do not disturb the conversation', async () => {
    const world = await aWorld({ dave: true });
    const session = await joined(world, GUILD, ALICE, CHANNEL);
    const sessionsBefore = world.discord.sessionCount;
    await hears(world, GUILD, session, { unencrypted: new Set([10, 35, 60, 85]) }, ALICE);
    await answers(world, GUILD, session);
    expect(world.discord.sessionCount).toBe(sessionsBefore);
    expect(world.discord.chat).toEqual([]);
  });
});
