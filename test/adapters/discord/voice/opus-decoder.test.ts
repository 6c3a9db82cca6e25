import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SpeakerOpusDecoder } from '../../../../adapters/discord/voice/opus-decoder.ts';
import { frameRms, type PcmFrame } from '../../../../src/voice/pcm.ts';

const packetFile = readFileSync(
  new URL('../../../fixtures/voice/speech-48k-stereo-20ms.opus-packets', import.meta.url),
);
const packets: Buffer[] = [];
for (let at = 0; at < packetFile.length; at += 2 + packetFile.readUInt16BE(at)) {
  packets.push(packetFile.subarray(at + 2, at + 2 + packetFile.readUInt16BE(at)));
}
const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

function decodeAll(schedule: readonly { packet: Buffer; at: number }[]) {
  const frames: PcmFrame[] = [];
  const decoder = new SpeakerOpusDecoder(
    (frame) => frames.push(frame),
    (error) => {
      throw error;
    },
  );
  for (const { packet, at } of schedule) decoder.decode(packet, at);
  decoder.close();
  const samples = frames.reduce((n, f) => n + f.samples.length / 2, 0);
  return { frames, samples, stats: decoder.stats };
}

describe('SpeakerOpusDecoder packet-loss concealment', () => {
  const talk = packets.slice(0, 60);

  it('conceals packets lost mid-speech with the decoder, so the speech keeps its length', () => {
    // Packets 20 and 40-41 never arrive; the rest come every 20 ms with a few ms of jitter.
    const schedule = talk
      .map((packet, i) => ({ packet, at: i * 20 + (i % 3) * 4 }))
      .filter((_, i) => i !== 20 && i !== 40 && i !== 41);
    const { samples, stats, frames } = decodeAll(schedule);
    expect(stats).toEqual({ received: 57, decoded: 57, lost: 3, concealed: 3 });
    expect(samples).toBe(60 * 960);
    // The concealment continues the voice rather than inserting silence.
    const concealed = frames[20] as PcmFrame;
    expect(concealed.samples.length).toBe(960 * 2);
    expect(frameRms(concealed)).toBeGreaterThan(50);
  });

  it('does not conceal jitter, a pause after silence frames, or a long gap', () => {
    const jittery = talk.map((packet, i) => ({ packet, at: i * 20 + (i % 2 === 0 ? 0 : 12) }));
    expect(decodeAll(jittery).stats.lost).toBe(0);
    const paused = [
      ...talk.slice(0, 10).map((packet, i) => ({ packet, at: i * 20 })),
      ...Array.from({ length: 5 }, (_, i) => ({ packet: SILENCE, at: 200 + i * 20 })),
      ...talk.slice(10, 20).map((packet, i) => ({ packet, at: 340 + i * 20 })),
    ];
    expect(decodeAll(paused).stats.lost).toBe(0);
    const cut = [
      ...talk.slice(0, 10).map((packet, i) => ({ packet, at: i * 20 })),
      ...talk.slice(10, 20).map((packet, i) => ({ packet, at: 1_000 + i * 20 })),
    ];
    expect(decodeAll(cut).stats.lost).toBe(0);
  });
});
