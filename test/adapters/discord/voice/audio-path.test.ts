import prism from 'prism-media';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordVoiceChannelIo } from '../../../../adapters/discord/voice/discord-voice-channel-io.ts';
import { pcmFrame } from '../../../../adapters/discord/voice/opus-decoder.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';
import { PacedInput } from '../../../../src/voice/paced-input.ts';
import type { PcmFrame } from '../../../../src/voice/pcm.ts';
import { toFormat } from '../../../../src/voice/resample.ts';
import { FakeClock, settle } from '../../../support/fake-clock.ts';
import { bestLagCorrelation, concat, envelope } from '../../../voice/signals.ts';
import { FakePlayer, FakeReceiver, speechPackets, speechPcm } from './voice-fakes.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const setup = () => {
  const clock = new FakeClock();
  const receiver = new FakeReceiver();
  const player = new FakePlayer();
  const lines: string[] = [];
  const io = new DiscordVoiceChannelIo({
    receiver,
    player,
    send: async (line) => void lines.push(line),
    log: silentLogger,
    clock,
  });
  closers.push(() => io.close());
  return { clock, receiver, player, io, lines };
};

describe('Discord audio path on real speech', () => {
  it('Opus packets -> decode -> paced 16 kHz mono frames that are still the same speech, in real time', async () => {
    const { clock, receiver, io } = setup();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const stop = new AbortController();
    closers.push(() => stop.abort());
    const feeding = (async () => {
      for await (const { speaker, frame } of io.speech) paced.push(speaker, frame);
    })();
    const out: PcmFrame[] = [];
    const consuming = (async () => {
      for await (const frame of paced.frames(stop.signal)) out.push(frame);
    })();
    const start = clock.now();
    await clock.advance(100);
    for (const packet of speechPackets()) {
      receiver.packet('42', packet);
      await settle();
      await clock.advance(20);
    }
    receiver.stopSpeaking('42');
    await clock.advance(500);
    const elapsed = clock.now() - start;
    // Paced: one frame per 32 ms of clock, within the slack.
    expect(Math.abs(out.length - (Math.floor(elapsed / 32) + 1))).toBeLessThanOrEqual(2);
    for (const frame of out) expect(frame).toMatchObject({ sampleRate: 16_000, channels: 1 });
    expect(out.every((f) => f.samples.length === 512)).toBe(true);
    // The same speech: the 20 ms energy envelope follows the source's.
    const heard = envelope(concat(out.map((f) => f.samples)), 16_000);
    const said = envelope(speechPcm(16), 16_000);
    expect(bestLagCorrelation(heard, said, 15)).toBeGreaterThan(0.9);
    // Control: the same speech played backwards does not pass, so the check can tell speech apart.
    expect(bestLagCorrelation(heard, [...said].reverse(), 15)).toBeLessThan(0.6);
    expect(paced.lastSpeaker).toBe('discord:42');
    stop.abort();
    io.close();
    await Promise.all([feeding, consuming]);
  });

  it('model speech (24 kHz) -> jitter buffer -> Opus for Discord decodes back to the same speech', async () => {
    const { clock, player, io } = setup();
    const source = speechPcm(24);
    for (let at = 0; at < source.length; at += 960) {
      io.play({ sampleRate: 24_000, channels: 1, samples: source.subarray(at, at + 960) });
      await clock.advance(40);
    }
    const packets: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      await clock.advance(20);
      const resource = player.resources[0];
      for (let p = resource?.read(); p; p = resource?.read()) packets.push(p);
    }
    expect(player.resources.length).toBe(1);
    expect(packets.length).toBeGreaterThan(source.length / 480 - 5);
    const decoder = new prism.opus.Decoder({ rate: 48_000, channels: 2, frameSize: 960 });
    const decoded: PcmFrame[] = [];
    decoder.on('data', (pcm: Buffer) => decoded.push(pcmFrame(Buffer.from(pcm))));
    for (const p of packets) decoder.write(p);
    await settle();
    const back = toFormat(
      { sampleRate: 48_000, channels: 2, samples: concat(decoded.map((f) => f.samples)) },
      24_000,
      1,
    );
    const correlation = bestLagCorrelation(envelope(back.samples, 24_000), envelope(source, 24_000), 15);
    expect(correlation).toBeGreaterThan(0.9);
    decoder.destroy();
  });

  it('barge-in stops the player at once and drops queued speech', async () => {
    const { clock, player, io } = setup();
    io.play({ sampleRate: 24_000, channels: 1, samples: speechPcm(24).subarray(0, 24_000) });
    await clock.advance(200);
    expect(player.resources.length).toBe(1);
    io.stopPlayback();
    expect(player.stops).toBe(1);
    await clock.advance(2_000);
    expect(player.resources.length).toBe(1);
  });
});
