import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

/** Runs the browser's microphone worklet in a VM with the AudioWorklet globals it uses, as the audio thread would. */
function loadWorklet(sampleRate: number): (block: Float32Array) => Int16Array[] {
  const source = readFileSync(new URL('../../../adapters/web/static/mic-worklet.js', import.meta.url), 'utf8');
  const posted: Int16Array[] = [];
  let Processor: (new () => { process(inputs: Float32Array[][]): boolean }) | undefined;
  class AudioWorkletProcessor {
    readonly port = { postMessage: (buffer: ArrayBuffer) => posted.push(new Int16Array(buffer)) };
  }
  vm.runInNewContext(source, {
    sampleRate,
    AudioWorkletProcessor,
    Float32Array,
    Int16Array,
    Math,
    registerProcessor: (_name: string, ctor: typeof Processor) => {
      Processor = ctor;
    },
  });
  if (!Processor) throw new Error('the worklet registered no processor');
  const processor = new Processor();
  return (block) => {
    posted.length = 0;
    processor.process([[block]]);
    return [...posted];
  };
}

/** Output RMS over input RMS, in dB, of a sine through the worklet in 128-sample render quanta. */
function gainDb(sampleRate: number, hz: number): number {
  const process = loadWorklet(sampleRate);
  const out: number[] = [];
  const amplitude = 0.9;
  for (let at = 0; at < sampleRate * 0.25; at += 128) {
    const block = new Float32Array(128).map((_, i) => amplitude * Math.sin((2 * Math.PI * hz * (at + i)) / sampleRate));
    for (const frame of process(block)) out.push(...frame);
  }
  const inner = out.slice(out.length / 4, (out.length * 3) / 4);
  const rms = Math.sqrt(inner.reduce((n, v) => n + v * v, 0) / inner.length);
  return 20 * Math.log10(Math.max(rms, 1e-3) / ((amplitude * 0x7fff) / Math.SQRT2));
}

describe('microphone worklet (browser, AudioWorklet)', () => {
  for (const rate of [48_000, 44_100]) {
    it(`turns ${rate} Hz into 20 ms frames of 16 kHz, flat to 7 kHz, aliases at least 70 dB down`, () => {
      const process = loadWorklet(rate);
      const frames = process(new Float32Array(rate / 10)); // 100 ms
      expect(frames.length).toBeGreaterThanOrEqual(4);
      expect(frames.every((f) => f.length === 320)).toBe(true);
      for (const hz of [300, 1_000, 4_000, 7_000]) expect(Math.abs(gainDb(rate, hz))).toBeLessThan(0.5);
      // Above 8 kHz everything that comes out is an alias folded into the speech band.
      for (const hz of [8_000, 8_500, 10_000, 13_000, 16_000, 20_000]) expect(gainDb(rate, hz)).toBeLessThan(-70);
    });
  }
});
