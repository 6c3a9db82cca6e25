import type { PcmFrame } from './pcm.ts';

/**
 * Rational-ratio polyphase resampling with a Kaiser-windowed sinc low-pass, plus stereo<->mono conversion.
 *
 * Going down (Discord's 48 kHz to the model's 16 kHz) the filter is flat to 87.5% of the lower Nyquist (7 kHz at
 * 16 kHz) and at least 70 dB down from the Nyquist on, so nothing folds back into the speech band: a Kaiser
 * design for 75 dB with the transition band 7-8 kHz (224 taps at 48 kHz; about 0.05 ms per 20 ms frame). Going
 * up (the model's 24 kHz to 48 kHz) the source is already band-limited and images land above 12 kHz, where a
 * shorter 60 dB filter is enough. A hand-written filter rather than a library: the npm resamplers are either wasm
 * builds of libsamplerate/soxr with async init and their own buffers per call, or JS ports without streaming
 * state; this one is ~200 lines, streams frame by frame without seams, and bench:voice measures its response. Downmixing happens before a rate change and upmixing after it, so the filter
 * always runs on one channel where it can.
 *
 * `toFormat` converts one frame on its own (edges are padded with the edge sample). Consecutive frames of a
 * stream should go through a `Resampler`, which carries filter history across frames so joins are seamless.
 */
export const toFormat = (frame: PcmFrame, sampleRate: number, channels: 1 | 2): PcmFrame => {
  if (frame.sampleRate === sampleRate && frame.channels === channels) return frame;
  checkRate(sampleRate);
  const mono = frame.channels === 2 && channels === 1;
  const input = mono || frame.channels === 1 ? [toFloatMono(frame)] : splitStereo(frame);
  if (frame.sampleRate === sampleRate) return assemble(sampleRate, channels, input);
  const kernel = kernelFor(frame.sampleRate, sampleRate);
  return assemble(
    sampleRate,
    channels,
    input.map((x) => filterBlock(kernel, x)),
  );
};

/** Streaming conversion to one output format; the input format may change (filters are rebuilt then). */
export class Resampler {
  readonly #sampleRate: number;
  readonly #channels: 1 | 2;
  #from: { rate: number; channels: 1 | 2 } | undefined;
  #states: ChannelState[] = [];

  constructor(sampleRate: number, channels: 1 | 2) {
    checkRate(sampleRate);
    this.#sampleRate = sampleRate;
    this.#channels = channels;
  }

  process(frame: PcmFrame): PcmFrame {
    if (frame.sampleRate === this.#sampleRate && frame.channels === this.#channels) return frame;
    const planes = frame.channels === 2 && this.#channels === 2 ? splitStereo(frame) : [toFloatMono(frame)];
    if (frame.sampleRate === this.#sampleRate) return assemble(this.#sampleRate, this.#channels, planes);
    this.#ensure(frame.sampleRate, planes.length as 1 | 2);
    const out = planes.map((plane, i) => streamBlock(this.#states[i] as ChannelState, plane));
    return assemble(this.#sampleRate, this.#channels, out);
  }

  /** Forgets filter history (a new utterance, or after barge-in). */
  reset(): void {
    for (const state of this.#states) resetState(state);
  }

  #ensure(rate: number, planes: 1 | 2): void {
    if (this.#from?.rate === rate && this.#states.length === planes) return;
    const kernel = kernelFor(rate, this.#sampleRate);
    this.#from = { rate, channels: planes };
    this.#states = Array.from({ length: planes }, () => newState(kernel));
  }
}

interface Kernel {
  /** Upsampling and downsampling factors after reducing the ratio. */
  readonly up: number;
  readonly down: number;
  /** Taps per phase. */
  readonly taps: number;
  /** Phase-major coefficients: `coeffs[phase * taps + i]` multiplies input sample `base - i`. */
  readonly coeffs: Float32Array;
  /** Group delay in upsampled samples, used to centre stateless conversions. */
  readonly delay: number;
}

interface ChannelState {
  readonly kernel: Kernel;
  /** The last `taps - 1` inputs, then room for the current block. */
  work: Float32Array;
  /** Position of the next output in upsampled samples, relative to the current block's first input. */
  next: number;
}

interface FilterSpec {
  /** Pass-band edge and stop-band start, as fractions of the lower rate's Nyquist. */
  readonly pass: number;
  readonly stop: number;
  /** Stop-band attenuation the Kaiser window is designed for. */
  readonly db: number;
}

/** Rate reduction: flat to 7 kHz, >= 70 dB from 8 kHz at 16 kHz out (designed for 75 dB for margin). */
const DOWN: FilterSpec = { pass: 0.875, stop: 1, db: 75 };
/** Rate increase: the input holds nothing above its Nyquist; images start at the input's Nyquist. */
const UP: FilterSpec = { pass: 0.8, stop: 1, db: 60 };
const MAX_UP = 640;
const kernels = new Map<string, Kernel>();

const kernelFor = (from: number, to: number): Kernel => {
  checkRate(from);
  const key = `${from}>${to}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  if (up > MAX_UP) {
    throw new RangeError(`Cannot resample ${from} Hz to ${to} Hz: use common rates (8000, 16000, 24000, 48000...)`);
  }
  const upRate = from * up;
  const edge = Math.min(from, to) / 2;
  const spec = to < from ? DOWN : UP;
  // The sinc's cutoff sits mid-transition; the Kaiser window sets the ripple and the length the transition width.
  const cutoff = (((spec.pass + spec.stop) / 2) * edge) / upRate;
  const transition = ((spec.stop - spec.pass) * edge) / upRate;
  const beta = 0.1102 * (spec.db - 8.7);
  const length = Math.ceil((spec.db - 7.95) / (2.285 * 2 * Math.PI * transition));
  const taps = Math.ceil(length / up) + ((Math.ceil(length / up) % 2) as 0 | 1);
  const total = taps * up;
  const centre = (total - 1) / 2;
  const coeffs = new Float32Array(total);
  const i0beta = besselI0(beta);
  for (let n = 0; n < total; n++) {
    const t = n - centre;
    const sinc = t === 0 ? 1 : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const ratio = (2 * t) / (total - 1);
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / i0beta;
    // Gain `up` compensates the zeros that upsampling inserts.
    coeffs[(n % up) * taps + Math.floor(n / up)] = sinc * window * up;
  }
  const kernel = { up, down, taps, coeffs, delay: Math.round(centre) };
  kernels.set(key, kernel);
  return kernel;
};

/** The inner loop: outputs while the needed input exists; returns the next position (upsampled samples). */
const run = (k: Kernel, x: Float32Array, first: number, end: number, start: number, out: Float32Array): number => {
  if (k.up === 1) return runDecimating(k, x, first, end, start, out);
  const { up, down, taps, coeffs } = k;
  const baseStep = Math.floor(down / up);
  const phaseStep = down % up;
  let base = first + Math.floor(start / up);
  let phase = start % up;
  let o = 0;
  while (o < out.length && base < end) {
    const offset = phase * taps;
    let acc = 0;
    for (let i = 0; i < taps; i++) acc += (coeffs[offset + i] as number) * (x[base - i] as number);
    out[o++] = acc;
    base += baseStep;
    phase += phaseStep;
    if (phase >= up) {
      phase -= up;
      base++;
    }
  }
  return (base - first) * up + phase;
};

/**
 * Integer decimation (48 kHz to 16 kHz): one phase, whose coefficients are symmetric (linear phase), so each pair
 * of samples equally far from the centre shares one multiply. Half the multiplies of the general loop.
 */
const runDecimating = (
  k: Kernel,
  x: Float32Array,
  first: number,
  end: number,
  start: number,
  out: Float32Array,
): number => {
  const { down, taps, coeffs } = k;
  const half = taps >> 1;
  let base = first + start;
  let o = 0;
  while (o < out.length && base < end) {
    const oldest = base - taps + 1;
    let acc = 0;
    for (let i = 0; i < half; i++) {
      acc += (coeffs[i] as number) * ((x[base - i] as number) + (x[oldest + i] as number));
    }
    out[o++] = acc;
    base += down;
  }
  return base - first;
};

const filterBlock = (k: Kernel, x: Float32Array): Float32Array => {
  const pad = k.taps;
  const padded = new Float32Array(x.length + 2 * pad);
  padded.fill(x[0] ?? 0, 0, pad);
  padded.set(x, pad);
  padded.fill(x[x.length - 1] ?? 0, pad + x.length);
  const out = new Float32Array(Math.floor((x.length * k.up) / k.down));
  run(k, padded, pad, padded.length, k.delay, out);
  return out;
};

const newState = (kernel: Kernel): ChannelState => ({ kernel, work: new Float32Array(kernel.taps * 2), next: 0 });

const resetState = (state: ChannelState): void => {
  state.work.fill(0);
  state.next = 0;
};

const streamBlock = (state: ChannelState, x: Float32Array): Float32Array => {
  const k = state.kernel;
  const history = k.taps - 1;
  if (state.work.length < history + x.length) {
    const grown = new Float32Array(history + x.length);
    grown.set(state.work.subarray(0, history));
    state.work = grown;
  }
  state.work.set(x, history);
  const count = Math.max(0, Math.ceil((x.length * k.up - state.next) / k.down));
  const out = new Float32Array(count);
  const t = run(k, state.work, history, history + x.length, state.next, out);
  state.next = t - x.length * k.up;
  state.work.copyWithin(0, x.length, x.length + history);
  return out;
};

const toFloatMono = (frame: PcmFrame): Float32Array => {
  const s = frame.samples;
  if (frame.channels === 1) {
    const out = new Float32Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s[i] as number;
    return out;
  }
  const out = new Float32Array(s.length >> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = ((s[j] as number) + (s[j + 1] as number)) * 0.5;
  return out;
};

const splitStereo = (frame: PcmFrame): Float32Array[] => {
  const s = frame.samples;
  const left = new Float32Array(s.length >> 1);
  const right = new Float32Array(s.length >> 1);
  for (let i = 0, j = 0; i < left.length; i++, j += 2) {
    left[i] = s[j] as number;
    right[i] = s[j + 1] as number;
  }
  return [left, right];
};

const clamp16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v));

const assemble = (sampleRate: number, channels: 1 | 2, planes: readonly Float32Array[]): PcmFrame => {
  const first = planes[0] ?? new Float32Array(0);
  const second = planes[1];
  const samples = new Int16Array(first.length * channels);
  if (channels === 1) {
    for (let i = 0; i < first.length; i++) samples[i] = clamp16(first[i] as number);
  } else if (second) {
    for (let i = 0, j = 0; i < first.length; i++, j += 2) {
      samples[j] = clamp16(first[i] as number);
      samples[j + 1] = clamp16(second[i] as number);
    }
  } else {
    for (let i = 0, j = 0; i < first.length; i++, j += 2) {
      const v = clamp16(first[i] as number);
      samples[j] = v;
      samples[j + 1] = v;
    }
  }
  return { sampleRate, channels, samples };
};

const checkRate = (rate: number): void => {
  if (!Number.isInteger(rate) || rate < 1000 || rate > 384_000) {
    throw new RangeError(`Invalid sample rate ${rate}: expected an integer number of Hz between 1000 and 384000`);
  }
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

const besselI0 = (x: number): number => {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
};
