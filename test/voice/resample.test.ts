import { describe, expect, it } from 'vitest';
import { Resampler, toFormat } from '../../src/voice/resample.ts';
import { measureResampler } from '../../src/voice/resampler-response.ts';
import { amplitudeAt, concat, left, rms, tone } from './signals.ts';

describe('toFormat', () => {
  it('turns 48 kHz stereo into 16 kHz mono keeping a tone and its level', () => {
    for (const hz of [300, 1_000, 3_000, 6_000]) {
      const out = toFormat(tone(hz, 48_000, 2, 200), 16_000, 1);
      expect(out).toMatchObject({ sampleRate: 16_000, channels: 1 });
      expect(out.samples.length).toBe(3_200);
      const inner = out.samples.subarray(200, -200);
      expect(amplitudeAt(inner, 16_000, hz)).toBeGreaterThan(9_500);
      expect(rms(inner)).toBeGreaterThan((10_000 / Math.SQRT2) * 0.95);
      expect(rms(inner)).toBeLessThan((10_000 / Math.SQRT2) * 1.05);
    }
  });

  it('filters what would alias instead of folding it into the speech band', () => {
    for (const hz of [9_000, 12_000, 20_000]) {
      const out = toFormat(tone(hz, 48_000, 2, 200), 16_000, 1).samples.subarray(200, -200);
      // Without a low-pass, 12 kHz would come back as a full-level 4 kHz tone.
      expect(rms(out)).toBeLessThan(100);
      expect(amplitudeAt(out, 16_000, 16_000 - hz > 0 ? Math.abs(16_000 - hz) : hz % 16_000)).toBeLessThan(100);
    }
  });

  it('turns 24 kHz mono model speech into 48 kHz stereo with the tone intact and no image', () => {
    const out = toFormat(tone(1_000, 24_000, 1, 200), 48_000, 2);
    expect(out).toMatchObject({ sampleRate: 48_000, channels: 2 });
    expect(out.samples.length).toBe(2 * 9_600);
    const l = left(out).subarray(400, -400);
    const r = out.samples.filter((_, i) => i % 2 === 1).subarray(400, -400);
    expect(r).toEqual(l);
    expect(amplitudeAt(l, 48_000, 1_000)).toBeGreaterThan(9_500);
    expect(amplitudeAt(l, 48_000, 23_000)).toBeLessThan(30);
  });

  it('returns the same frame when the format already matches, and downmixes at the same rate', () => {
    const frame = tone(440, 16_000, 1, 20);
    expect(toFormat(frame, 16_000, 1)).toBe(frame);
    const stereo = { sampleRate: 16_000, channels: 2 as const, samples: Int16Array.from([100, 300, -100, -300]) };
    expect([...toFormat(stereo, 16_000, 1).samples]).toEqual([200, -200]);
  });

  it('rejects rates that are not real sample rates, saying which', () => {
    expect(() => toFormat(tone(440, 16_000, 1, 20), 0, 1)).toThrow(/Invalid sample rate 0/);
    expect(() => toFormat({ sampleRate: 44_101, channels: 1, samples: new Int16Array(10) }, 48_000, 1)).toThrow(
      /Cannot resample 44101 Hz to 48000 Hz/,
    );
  });
});

describe('Resampler', () => {
  it('streams 20 ms Discord frames into exactly 320 samples each, seamlessly', () => {
    const source = tone(1_000, 48_000, 2, 1_000);
    const streamed = new Resampler(16_000, 1);
    const whole = new Resampler(16_000, 1);
    const parts: Int16Array[] = [];
    for (let at = 0; at < source.samples.length; at += 1_920) {
      const out = streamed.process({ ...source, samples: source.samples.subarray(at, at + 1_920) });
      expect(out.samples.length).toBe(320);
      parts.push(out.samples);
    }
    // Frame by frame gives exactly what converting the whole signal at once gives: no seams at frame edges.
    expect(concat(parts)).toEqual(whole.process(source).samples);
  });

  it('streams odd-sized chunks at a ratio with a remainder (44.1 kHz to 16 kHz) without losing samples', () => {
    const r = new Resampler(16_000, 1);
    let total = 0;
    const source = tone(500, 44_100, 1, 1_000);
    for (let at = 0; at < source.samples.length; at += 333) {
      total += r.process({ ...source, samples: source.samples.subarray(at, at + 333) }).samples.length;
    }
    expect(Math.abs(total - 16_000)).toBeLessThanOrEqual(1);
  });

  it('starts afresh after reset and follows an input rate change', () => {
    const r = new Resampler(48_000, 2);
    const a = r.process(tone(1_000, 24_000, 1, 20));
    r.reset();
    expect(r.process(tone(1_000, 24_000, 1, 20)).samples).toEqual(a.samples);
    expect(r.process(tone(1_000, 16_000, 1, 20)).samples.length).toBe(1_920);
  });
});

describe('the receive resampler response (sine sweep, 48 kHz stereo -> 16 kHz mono)', () => {
  it('is flat to at least 7 kHz and rejects aliases by at least 70 dB', () => {
    const r = measureResampler(48_000, 16_000, 100);
    expect(r.flatToHz).toBeGreaterThanOrEqual(7_000);
    expect(r.minus3dBHz).toBeLessThanOrEqual(8_000);
    expect(r.aliasRejectionDb).toBeGreaterThanOrEqual(70);
  });
});
