/**
 * npm run bench:voice: the audio path's CPU cost per 20 ms frame and the latency the bot adds.
 *
 * - receive: Opus decode (prism-media + opusscript, 48 kHz stereo) + resample to 16 kHz mono + mix/pace
 * - playback: jitter buffer (24 kHz mono -> 48 kHz stereo) + Opus encode (what the AudioPlayer's pipeline does)
 * - latency, on the real clock: a model audio event -> the first Opus frame ready for Discord; a Discord packet ->
 *   the 16 kHz frame holding its last sample, ready for `audioInput`.
 *
 * Input is the committed espeak-ng speech fixture (test/fixtures/voice). Goals: < 0.2 ms CPU per frame per
 * direction, < 30 ms added latency at p95.
 */
import { readFileSync } from 'node:fs';
import type { AudioResource } from '@discordjs/voice';
import prism from 'prism-media';
import { SpeakerOpusDecoder } from '../adapters/discord/voice/opus-decoder.ts';
import {
  DiscordPlaybackSink,
  SPEECH_COMPLEXITY,
  setEncoderComplexity,
} from '../adapters/discord/voice/playback-sink.ts';
import { userId } from '../src/domain/ids.ts';
import type { PacingClock } from '../src/voice/clock.ts';
import { JitterBuffer } from '../src/voice/jitter-buffer.ts';
import { PacedInput } from '../src/voice/paced-input.ts';
import { toFormat } from '../src/voice/resample.ts';
import { measureResampler } from '../src/voice/resampler-response.ts';

const fixtures = new URL('../test/fixtures/voice/', import.meta.url);
const packetFile = readFileSync(new URL('speech-48k-stereo-20ms.opus-packets', fixtures));
const packets: Buffer[] = [];
for (let at = 0; at < packetFile.length; at += 2 + packetFile.readUInt16BE(at)) {
  packets.push(packetFile.subarray(at + 2, at + 2 + packetFile.readUInt16BE(at)));
}
const model24k = (() => {
  const raw = readFileSync(new URL('speech-24k-mono.s16le', fixtures));
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
})();
const speaker = userId('discord', 'bench');

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;

/** Virtual time that jumps to whatever a sleep asks for: CPU-only runs without waiting. */
class InstantClock implements PacingClock {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += Math.max(ms, 0);
  }
}

async function receiveCpu(rounds: number): Promise<{ perFrame: number; decodeOnly: number }> {
  const clock = new InstantClock();
  const paced = new PacedInput({ sampleRate: 16_000, frameMs: 40, clock });
  const stop = new AbortController();
  const frames = paced.frames(stop.signal)[Symbol.asyncIterator]();
  const decoder = new SpeakerOpusDecoder(
    (frame) => paced.push(speaker, frame),
    (error) => {
      throw error;
    },
  );
  const start = cpuMs();
  let pushedSamples = 0;
  let pulledSamples = 0;
  for (let r = 0; r < rounds; r++) {
    for (const packet of packets) {
      decoder.decode(packet);
      pushedSamples += 320;
      // Mix/pace what is queued, as the loop would every 40 ms.
      while (pulledSamples + 640 <= pushedSamples) {
        await frames.next();
        pulledSamples += 640;
      }
    }
  }
  const perFrame = (cpuMs() - start) / (rounds * packets.length);
  stop.abort();
  decoder.close();

  const bare = new prism.opus.Decoder({ rate: 48_000, channels: 2, frameSize: 960 });
  bare.on('data', () => {});
  const decodeStart = cpuMs();
  for (let r = 0; r < rounds; r++) for (const packet of packets) bare.write(packet);
  const decodeOnly = (cpuMs() - decodeStart) / (rounds * packets.length);
  bare.destroy();
  return { perFrame, decodeOnly };
}

async function playbackCpu(rounds: number): Promise<{ perFrame: number; encodeOnly: number }> {
  // The production pipeline: jitter buffer -> raw PCM stream -> the AudioResource's Opus encoder.
  const resources: AudioResource[] = [];
  const player = { play: (resource: AudioResource) => void resources.push(resource), stop: () => true };
  const buffer = new JitterBuffer({ sink: new DiscordPlaybackSink(player), clock: new InstantClock() });
  let packetsOut = 0;
  const start = cpuMs();
  for (let r = 0; r < rounds; r++) {
    // Nova Sonic sends audio in bursts of chunks; 100 ms chunks here.
    for (let at = 0; at < model24k.length; at += 2_400) {
      buffer.push({ sampleRate: 24_000, channels: 1, samples: model24k.subarray(at, at + 2_400) });
    }
    const resource = resources.at(-1);
    if (!resource) throw new Error('no audio resource was played');
    const ended = new Promise((resolve) => resource.playStream.once('end', resolve));
    resource.playStream.on('data', () => packetsOut++);
    await buffer.drained();
    await ended;
  }
  const perFrame = (cpuMs() - start) / packetsOut;

  const speech = toFormat({ sampleRate: 24_000, channels: 1, samples: model24k }, 48_000, 2).samples;
  const pcm = Buffer.from(speech.buffer, speech.byteOffset, speech.byteLength);
  const encoder = new prism.opus.Encoder({ rate: 48_000, channels: 2, frameSize: 960 });
  setEncoderComplexity(encoder, SPEECH_COMPLEXITY);
  encoder.on('data', () => {});
  let frames = 0;
  const encodeStart = cpuMs();
  for (let r = 0; r < rounds; r++) {
    for (let at = 0; at + 3_840 <= pcm.length; at += 3_840, frames++) encoder.write(pcm.subarray(at, at + 3_840));
  }
  const encodeOnly = (cpuMs() - encodeStart) / frames;
  encoder.destroy();
  return { perFrame, encodeOnly };
}

/** Model audio event -> first Opus packet readable from the AudioResource the player would read. */
async function playbackLatency(rounds: number, chunkMs: number): Promise<number[]> {
  const out: number[] = [];
  const chunk = (24_000 * chunkMs) / 1000;
  for (let r = 0; r < rounds; r++) {
    let resource: AudioResource | undefined;
    const player = {
      play: (res: AudioResource) => {
        resource = res;
      },
      stop: () => true,
    };
    const buffer = new JitterBuffer({ sink: new DiscordPlaybackSink(player) });
    const start = performance.now();
    const ready = new Promise<number>((resolve) => {
      const poll = (): void => {
        if (resource) resource.playStream.once('readable', () => resolve(performance.now() - start));
        else setImmediate(poll);
      };
      poll();
    });
    // Chunks arrive `chunkMs` apart in real time, as the model streams them.
    let at = 0;
    const feed = (): void => {
      buffer.push({ sampleRate: 24_000, channels: 1, samples: model24k.subarray(at, at + chunk) });
      at += chunk;
      if (at < 24_000 * 0.5) timer = setTimeout(feed, chunkMs);
    };
    let timer: NodeJS.Timeout | undefined;
    feed();
    out.push(await ready);
    clearTimeout(timer);
    buffer.clear();
    await buffer.drained();
  }
  return out;
}

/** Discord packet arrival -> emission of the 16 kHz frame that holds its last sample, in real time. */
async function receiveLatency(frameMs: number): Promise<number[]> {
  const paced = new PacedInput({ sampleRate: 16_000, frameMs });
  const stop = new AbortController();
  const arrivals: number[] = [];
  const latencies: number[] = [];
  const decoder = new SpeakerOpusDecoder(
    () => {
      // Push a marker frame of the same length as the decoded one (16 kHz, so no resampling), so each
      // packet's samples can be found in the output exactly.
      const k = arrivals.length - 1;
      paced.push(speaker, { sampleRate: 16_000, channels: 1, samples: new Int16Array(320).fill((k % 30_000) + 1) });
    },
    (error) => {
      throw error;
    },
  );
  const seen = new Map<number, number>();
  const consuming = (async () => {
    for await (const frame of paced.frames(stop.signal)) {
      const now = performance.now();
      for (const v of frame.samples) {
        if (v === 0) continue;
        const count = (seen.get(v) ?? 0) + 1;
        seen.set(v, count);
        // The frame holding a packet's last sample is the one that carries the whole packet to the model.
        const arrival = arrivals[v - 1];
        if (count === 320 && arrival !== undefined) latencies.push(now - arrival);
      }
    }
  })();
  // Two utterances with a second of silence between, packets every 20 ms on a drift-free schedule.
  const schedule = [...packets, ...Array<Buffer | undefined>(50).fill(undefined), ...packets];
  const t0 = performance.now();
  for (const [i, packet] of schedule.entries()) {
    const due = t0 + i * 20;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    if (!packet) continue;
    arrivals.push(performance.now());
    decoder.decode(packet);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  stop.abort();
  await consuming;
  decoder.close();
  return latencies;
}

const line = (label: string, values: readonly number[]): string =>
  `${label.padEnd(58)} p50 ${fmt(percentile(values, 50))}  p95 ${fmt(percentile(values, 95))}  (n=${values.length})`;

console.log('voice bench: CPU per 20 ms frame (goal < 0.2 ms per direction)');
await receiveCpu(5);
const receive = await receiveCpu(20);
console.log(
  `  receive  decode + resample 48k->16k + mix/pace : ${fmt(receive.perFrame)}  (decode alone ${fmt(receive.decodeOnly)})`,
);
await playbackCpu(5);
const playback = await playbackCpu(10);
console.log(
  `  playback jitter buffer 24k->48k + Opus encode : ${fmt(playback.perFrame)}  (encode alone ${fmt(playback.encodeOnly)})`,
);

console.log('voice bench: bot-added latency (goal p95 < 30 ms)');
console.log(line('  model audio event (100 ms chunk) -> first Opus frame', await playbackLatency(100, 100)));
console.log(line('  model audio (20 ms chunks, real time) -> first Opus frame', await playbackLatency(30, 20)));
// Frames that are a multiple of 20 ms line up with Discord's packets; 32 ms frames (Sonic's documented size)
// would wait for the next packet(s) to fill a frame (up to 40 ms, by arithmetic): shown for comparison.
console.log(line('  Discord packet -> its 16 kHz frame (40 ms frames, the loop)', await receiveLatency(40)));
console.log(line('  Discord packet -> its 16 kHz frame (32 ms frames, for comparison)', await receiveLatency(32)));

// A sine sweep through the streaming receive resampler: in band every 50 Hz, then every 50 Hz from 8 to 24 kHz.
const response = measureResampler(48_000, 16_000);
console.log('voice bench: receive resampler 48k -> 16k, sine sweep (goal flat to >= 7 kHz, aliases >= 70 dB down)');
console.log(
  `  flat (±0.5 dB) to ${response.flatToHz} Hz, -3 dB at ${response.minus3dBHz} Hz; worst alias ${response.aliasRejectionDb.toFixed(1)} dB down (input at ${response.worstAliasHz} Hz)`,
);
