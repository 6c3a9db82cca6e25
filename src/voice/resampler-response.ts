import { Resampler } from './resample.ts';

/**
 * Measures a rate reduction's response with a sine sweep through the streaming Resampler (as the receive path
 * runs it): the gain at each in-band frequency, and how far below the input anything above the output's Nyquist
 * comes out (all of that output is alias). Used by the tests and printed by bench:voice.
 */
export interface ResamplerResponse {
  /** The highest frequency up to which the gain stays within ±`flatDb`. */
  readonly flatToHz: number;
  /** The frequency where the gain first falls 3 dB below its 1 kHz value. */
  readonly minus3dBHz: number;
  /** The weakest alias rejection over the sweep above the output's Nyquist, in dB (positive = below the input). */
  readonly aliasRejectionDb: number;
  /** The input frequency where that worst alias was found. */
  readonly worstAliasHz: number;
}

const AMPLITUDE = 30_000;

export function measureResampler(from: number, to: number, stepHz = 50, flatDb = 0.5): ResamplerResponse {
  const reference = gainDb(from, to, 1_000);
  let flatToHz = 0;
  let minus3dBHz = to / 2;
  let flatBroken = false;
  for (let hz = stepHz; hz < to / 2; hz += stepHz) {
    const g = gainDb(from, to, hz) - reference;
    if (!flatBroken && Math.abs(g) <= flatDb) flatToHz = hz;
    else flatBroken = true;
    if (g < -3) {
      minus3dBHz = hz;
      break;
    }
  }
  let aliasRejectionDb = Number.POSITIVE_INFINITY;
  let worstAliasHz = 0;
  for (let hz = to / 2; hz < from / 2; hz += stepHz) {
    const rejection = -gainDb(from, to, hz);
    if (rejection < aliasRejectionDb) {
      aliasRejectionDb = rejection;
      worstAliasHz = hz;
    }
  }
  return { flatToHz, minus3dBHz, aliasRejectionDb, worstAliasHz };
}

/** Output RMS over input RMS of a sine at `hz`, streamed in 20 ms stereo frames, edges skipped. */
function gainDb(from: number, to: number, hz: number): number {
  const resampler = new Resampler(to, 1);
  const frame = from / 50;
  const seconds = 0.2;
  const out: number[] = [];
  for (let at = 0; at < from * seconds; at += frame) {
    const samples = new Int16Array(frame * 2);
    for (let i = 0; i < frame; i++) {
      const v = Math.round(AMPLITUDE * Math.sin((2 * Math.PI * hz * (at + i)) / from));
      samples[2 * i] = v;
      samples[2 * i + 1] = v;
    }
    for (const v of resampler.process({ sampleRate: from, channels: 2, samples }).samples) out.push(v);
  }
  const skip = Math.floor(out.length / 4);
  let sum = 0;
  for (let i = skip; i < out.length - skip; i++) sum += (out[i] as number) ** 2;
  const rms = Math.sqrt(sum / (out.length - 2 * skip));
  return 20 * Math.log10(Math.max(rms, 1e-3) / (AMPLITUDE / Math.SQRT2));
}
