// Runs on the audio thread: resamples the microphone (48 kHz or 44.1 kHz, whatever the AudioContext runs at)
// to 16 kHz mono and posts 20 ms frames of Int16 PCM.
//
// The low-pass is a Kaiser-windowed sinc, flat to 7 kHz and designed for 75 dB from 8 kHz on (the 16 kHz
// Nyquist), so nothing folds back into the speech band; the old 3-sample average let 8.5 kHz through only 4 dB
// down. The filter is a table of PHASES fractional delays (the output instants fall between input samples at
// 44.1 kHz), interpolated linearly between neighbouring phases. At 48 kHz every output lands on phase 0.
const targetRate = 16000;
const frameSamples = 320;
const passHz = 7000;
const stopHz = 8000;
const stopbandDb = 75;
const PHASES = 256;

function besselI0(x) {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** taps x (PHASES + 1) coefficients: table[p * taps + i] weighs input sample (newest - i) at phase p / PHASES. */
function designFilter(inputRate) {
  const transition = (stopHz - passHz) / inputRate;
  const cutoff = (passHz + stopHz) / 2 / inputRate;
  const beta = 0.1102 * (stopbandDb - 8.7);
  const taps = Math.ceil((stopbandDb - 7.95) / (2.285 * 2 * Math.PI * transition)) + 1;
  const centre = (taps - 1) / 2;
  const i0beta = besselI0(beta);
  const table = new Float32Array((PHASES + 1) * taps);
  for (let p = 0; p <= PHASES; p++) {
    const frac = p / PHASES;
    let sum = 0;
    for (let i = 0; i < taps; i++) {
      // The output instant lies `frac` of a sample before the newest input sample.
      const t = i - frac - centre;
      const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
      const r = (i - frac - centre) / (centre + 1);
      const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0beta;
      table[p * taps + i] = sinc * window;
      sum += sinc * window;
    }
    // Unity gain at DC for every phase.
    for (let i = 0; i < taps; i++) table[p * taps + i] /= sum;
  }
  return { taps, table };
}

class MicDownsampler extends AudioWorkletProcessor {
  constructor() {
    super();
    const { taps, table } = designFilter(sampleRate);
    this.taps = taps;
    this.table = table;
    this.step = sampleRate / targetRate;
    // A ring of the last `taps` mono inputs, stored twice so a window is always contiguous.
    this.history = new Float32Array(taps * 2);
    this.at = 0;
    // Input samples to take before the next output; its fractional part is the output's phase.
    this.wait = 0;
    this.frame = new Int16Array(frameSamples);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const length = channels[0].length;
    const { taps, table, history } = this;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (const channel of channels) sample += channel[i];
      sample /= channels.length;
      history[this.at] = sample;
      history[this.at + taps] = sample;
      this.at = (this.at + 1) % taps;
      this.wait -= 1;
      if (this.wait > 0) continue;
      // The output instant is -wait samples before the newest input (0 <= -wait < 1).
      const position = -this.wait * PHASES;
      const p = Math.floor(position);
      const mix = position - p;
      const a = p * taps;
      const b = Math.min(p + 1, PHASES) * taps;
      // The newest sample's copy in the upper half of the doubled ring; the window walks back from it.
      const newest = ((this.at - 1 + taps) % taps) + taps;
      let acc = 0;
      for (let k = 0; k < taps; k++) {
        const c = table[a + k] + mix * (table[b + k] - table[a + k]);
        acc += c * history[newest - k];
      }
      this.wait += this.step;
      const value = Math.max(-1, Math.min(1, acc));
      this.frame[this.filled++] = value < 0 ? value * 0x8000 : value * 0x7fff;
      if (this.filled === frameSamples) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(frameSamples);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('mic-downsampler', MicDownsampler);
