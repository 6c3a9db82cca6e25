import { describe, expect, it } from 'vitest';
import { type FrameSink, JitterBuffer } from '../../src/voice/jitter-buffer.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';
import { Resampler } from '../../src/voice/resample.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { concat, tone } from './signals.ts';

class RecordingSink implements FrameSink {
  readonly log: string[] = [];
  readonly frames: { at: number; frame: PcmFrame }[] = [];
  readonly #clock: FakeClock;
  constructor(clock: FakeClock) {
    this.#clock = clock;
  }
  start(): void {
    this.log.push('start');
  }
  write(frame: PcmFrame): void {
    this.frames.push({ at: this.#clock.now(), frame });
  }
  end(): void {
    this.log.push('end');
  }
  abort(): void {
    this.log.push('abort');
  }
}

const setup = () => {
  const clock = new FakeClock();
  const sink = new RecordingSink(clock);
  const buffer = new JitterBuffer({ sink, clock, cushionMs: 60 });
  return { clock, sink, buffer };
};

const model = (ms: number, hz = 500): PcmFrame => tone(hz, 24_000, 1, ms);

describe('JitterBuffer', () => {
  it('holds the start until the cushion is buffered, then writes 48 kHz stereo 20 ms frames', async () => {
    const { clock, sink, buffer } = setup();
    buffer.push(model(20));
    await clock.advance(10);
    buffer.push(model(20));
    await clock.advance(10);
    expect(sink.log).toEqual([]);
    buffer.push(model(20));
    await clock.advance(0);
    expect(sink.log).toEqual(['start']);
    expect(sink.frames.length).toBe(3);
    for (const { frame } of sink.frames) {
      expect(frame).toMatchObject({ sampleRate: 48_000, channels: 2 });
      expect(frame.samples.length).toBe(1_920);
    }
  });

  it('starts a short utterance anyway once the cushion time has passed, and ends it when audio stops', async () => {
    const { clock, sink, buffer } = setup();
    buffer.push(model(30));
    await clock.advance(59);
    expect(sink.log).toEqual([]);
    await clock.advance(1);
    expect(sink.log).toEqual(['start']);
    await clock.advance(400);
    expect(sink.log).toEqual(['start', 'end']);
    // 30 ms of audio: one full frame and the padded rest.
    expect(sink.frames.length).toBe(2);
    expect(buffer.status).toBe('idle');
  });

  it('writes in real time, at most the lead ahead of the clock, and the audio comes out intact', async () => {
    const { clock, sink, buffer } = setup();
    const speech = model(2_000, 440);
    buffer.push(speech);
    await clock.advance(0);
    const start = clock.now();
    for (let t = 0; t < 2_400; t += 10) {
      const due = Math.floor((clock.now() - start) / 20);
      expect(sink.frames.length).toBeLessThanOrEqual(Math.min(100, due + 3));
      expect(sink.frames.length).toBeGreaterThanOrEqual(Math.min(100, due));
      await clock.advance(10);
    }
    expect(sink.log).toEqual(['start', 'end']);
    expect(concat(sink.frames.map((f) => f.frame.samples))).toEqual(new Resampler(48_000, 2).process(speech).samples);
  });

  it('rides over a late chunk without ending the utterance or bursting afterwards', async () => {
    const { clock, sink, buffer } = setup();
    buffer.push(model(100));
    await clock.advance(200);
    const beforeGap = sink.frames.length;
    expect(beforeGap).toBe(5);
    buffer.push(model(200));
    await clock.advance(0);
    // Back in real time: only the lead goes out at once, not the 5 frames "missed" during the gap.
    expect(sink.frames.length - beforeGap).toBe(3);
    await clock.advance(600);
    expect(sink.log).toEqual(['start', 'end']);
    expect(sink.frames.length).toBe(15);
  });

  it('clear() silences the sink at once, drops the queue, and the next reply starts cleanly', async () => {
    const { clock, sink, buffer } = setup();
    buffer.push(model(1_000));
    await clock.advance(100);
    const written = sink.frames.length;
    buffer.clear();
    expect(sink.log).toEqual(['start', 'abort']);
    expect(buffer.bufferedMs).toBe(0);
    await clock.advance(500);
    expect(sink.frames.length).toBe(written);
    buffer.push(model(100));
    await clock.advance(0);
    expect(sink.log).toEqual(['start', 'abort', 'start']);
    await clock.advance(500);
    expect(sink.log.at(-1)).toBe('end');
    await buffer.drained();
  });
});

describe('JitterBuffer adaptive cushion', () => {
  /** One utterance: 100 ms of audio, then (with `late`) a 100 ms stall, then 100 ms more; then it ends. */
  async function utterance(clock: FakeClock, buffer: JitterBuffer, late: boolean): Promise<void> {
    buffer.push(model(100));
    await clock.advance(late ? 200 : 20);
    buffer.push(model(100));
    await clock.advance(600);
  }

  it('raises the cushion after an utterance that ran dry, and lowers it again after clean ones', async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(clock);
    const buffer = new JitterBuffer({ sink, clock, cushionMs: 40, adaptStepMs: 40, maxCushionMs: 200 });
    await utterance(clock, buffer, false);
    expect(buffer.underruns).toBe(0);
    expect(buffer.cushionMs).toBe(40);
    await utterance(clock, buffer, true);
    expect(buffer.underruns).toBe(1);
    expect(buffer.cushionMs).toBe(80);
    // The next start waits for the larger cushion: a 60 ms chunk does not start playback before 80 ms passed.
    const before = sink.log.length;
    buffer.push(model(60));
    await clock.advance(70);
    expect(sink.log.length).toBe(before);
    await clock.advance(20);
    expect(sink.log.at(-1)).toBe('start');
    await clock.advance(600);
    for (let i = 0; i < 2; i++) await utterance(clock, buffer, false);
    expect(buffer.cushionMs).toBe(60);
    expect(sink.log.filter((l) => l === 'start')).toHaveLength(sink.log.filter((l) => l === 'end').length);
  });

  it('grows until the late audio is covered, never past its maximum', async () => {
    const clock = new FakeClock();
    const buffer = new JitterBuffer({ sink: new RecordingSink(clock), clock, maxCushionMs: 100 });
    for (let i = 0; i < 3; i++) await utterance(clock, buffer, true);
    expect(buffer.cushionMs).toBe(100);
    const unbounded = new JitterBuffer({ sink: new RecordingSink(clock), clock });
    for (let i = 0; i < 4; i++) await utterance(clock, unbounded, true);
    // 120 ms covers the 100 ms stall: the fourth utterance plays through without a gap.
    expect(unbounded.cushionMs).toBe(120);
    expect(unbounded.underruns).toBe(2);
  });
});
