import type { PcmFrame } from '../../src/voice/pcm.ts';

/** A sine tone as a PCM frame. */
export const tone = (hz: number, sampleRate: number, channels: 1 | 2, ms: number, amplitude = 10_000): PcmFrame => {
  const n = Math.round((sampleRate * ms) / 1000);
  const samples = new Int16Array(n * channels);
  for (let i = 0; i < n; i++) {
    const v = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate));
    for (let c = 0; c < channels; c++) samples[i * channels + c] = v;
  }
  return { sampleRate, channels, samples };
};

export const rms = (samples: ArrayLike<number>, from = 0, to = samples.length): number => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
};

/** Amplitude of the `hz` component (Goertzel), comparable to a sine's peak amplitude. */
export const amplitudeAt = (samples: ArrayLike<number>, sampleRate: number, hz: number): number => {
  const w = (2 * Math.PI * hz) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = (samples[i] as number) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / samples.length;
};

/** Channel 0 of interleaved samples. */
export const left = (frame: PcmFrame): Int16Array =>
  frame.channels === 1 ? frame.samples : frame.samples.filter((_, i) => i % 2 === 0);

export const concat = (parts: readonly Int16Array[]): Int16Array => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** RMS per window of `windowMs`: the shape of speech over time. */
export const envelope = (samples: ArrayLike<number>, sampleRate: number, windowMs = 20): number[] => {
  const size = Math.round((sampleRate * windowMs) / 1000);
  const out: number[] = [];
  for (let at = 0; at + size <= samples.length; at += size) out.push(rms(samples, at, at + size));
  return out;
};

/** Pearson correlation of two series over their common length. */
export const correlation = (a: readonly number[], b: readonly number[]): number => {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return num / Math.sqrt(da * db);
};

/** The best correlation over lags of up to `maxLag` windows (codec and filter delays shift the envelope). */
export const bestLagCorrelation = (a: readonly number[], b: readonly number[], maxLag: number): number => {
  let best = -1;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const x = lag >= 0 ? a.slice(lag) : a;
    const y = lag >= 0 ? b : b.slice(-lag);
    best = Math.max(best, correlation(x, y));
  }
  return best;
};
