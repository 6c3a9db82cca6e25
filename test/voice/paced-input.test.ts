import { afterEach, describe, expect, it } from 'vitest';
import { userId } from '../../src/domain/ids.ts';
import { PacedInput } from '../../src/voice/paced-input.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';
import { Resampler } from '../../src/voice/resample.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { amplitudeAt, concat, tone } from './signals.ts';

const alice = userId('discord', '1');
const bob = userId('discord', '2');
const stops: AbortController[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
});

/** Consumes frames in the background, noting the virtual time each arrived at. */
const consume = (paced: PacedInput, clock: FakeClock) => {
  const stop = new AbortController();
  stops.push(stop);
  const got: { at: number; frame: PcmFrame }[] = [];
  const done = (async () => {
    for await (const frame of paced.frames(stop.signal)) got.push({ at: clock.now(), frame });
  })();
  return { got, stop: () => stop.abort(), done };
};

/** 20 ms packets of a 48 kHz stereo signal, as Discord delivers them. */
const packets = (frame: PcmFrame): PcmFrame[] => {
  const out: PcmFrame[] = [];
  for (let at = 0; at < frame.samples.length; at += 1_920) {
    out.push({ ...frame, samples: frame.samples.subarray(at, at + 1_920) });
  }
  return out;
};

describe('PacedInput', () => {
  it('sends one silent 32 ms frame per 32 ms of clock when nobody talks, without drift', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const start = clock.now();
    const run = consume(paced, clock);
    // Uneven steps: the schedule comes from the start time, not from summed sleeps.
    for (let i = 0; i < 457; i++) await clock.advance(7);
    expect(run.got.length).toBe(Math.floor((457 * 7) / 32) + 1);
    run.got.forEach(({ at, frame }, n) => {
      expect(at).toBe(start + n * 32);
      expect(frame).toMatchObject({ sampleRate: 16_000, channels: 1 });
      expect(frame.samples.length).toBe(512);
      expect(frame.samples.every((s) => s === 0)).toBe(true);
    });
    run.stop();
    await run.done;
  });

  it('passes continuous speech through contiguous (no gaps, no repeats) and in real time', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const run = consume(paced, clock);
    await clock.advance(45);
    const speech = tone(700, 48_000, 2, 2_000);
    for (const packet of packets(speech)) {
      paced.push(alice, packet);
      await clock.advance(20);
    }
    await clock.advance(300);
    const out = concat(run.got.map((g) => g.frame.samples));
    const all = new Resampler(16_000, 1).process(speech).samples;
    const expected = all.subarray(all.findIndex((s) => s !== 0));
    const first = out.findIndex((s) => s !== 0);
    expect(out.subarray(first, first + expected.length)).toEqual(expected);
    // 45 + 2000 + 300 ms of clock: one frame per 32 ms (plus the one at t=0), give or take the slack.
    expect(Math.abs(run.got.length - (Math.floor(2_345 / 32) + 1))).toBeLessThanOrEqual(2);
    expect(paced.lastSpeaker).toBe(alice);
    run.stop();
    await run.done;
  });

  it('sends a frame as soon as the speech completes it, not a clock tick later', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const run = consume(paced, clock);
    await clock.advance(40);
    const before = run.got.length;
    const ps = packets(tone(700, 48_000, 2, 200));
    paced.push(alice, ps[0] as PcmFrame);
    await clock.advance(0);
    // Speech starting during silence goes out at once, right-aligned in its frame.
    expect(run.got.length).toBe(before + 1);
    const onset = run.got.at(-1)?.frame.samples as Int16Array;
    expect(onset.subarray(0, 192).every((s) => s === 0)).toBe(true);
    expect(onset.subarray(192).some((s) => s !== 0)).toBe(true);
    run.stop();
    await run.done;
  });

  it('mixes concurrent speakers and scales down instead of clipping', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const run = consume(paced, clock);
    const a = packets(tone(440, 48_000, 2, 400, 30_000));
    const b = packets(tone(1_250, 48_000, 2, 400, 30_000));
    for (let i = 0; i < a.length; i++) {
      paced.push(alice, a[i] as PcmFrame);
      paced.push(bob, b[i] as PcmFrame);
      await clock.advance(20);
    }
    await clock.advance(200);
    const loud = run.got.map((g) => g.frame.samples).filter((s) => s.some((v) => v !== 0));
    const middle = concat(loud.slice(2, -2));
    const hi = amplitudeAt(middle, 16_000, 1_250);
    const lo = amplitudeAt(middle, 16_000, 440);
    expect(lo).toBeGreaterThan(10_000);
    expect(Math.abs(hi - lo) / lo).toBeLessThan(0.1);
    // Hard clipping would flatten the peaks of the sum: count samples sitting at full scale.
    const atRail = middle.filter((v) => v >= 32_767 || v <= -32_768).length;
    expect(atRail / middle.length).toBeLessThan(0.01);
    run.stop();
    await run.done;
  });

  it('drops speakers that are not allowed, and quiet frames do not make a speaker the last one', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock, allowed: (s) => s === alice });
    const run = consume(paced, clock);
    for (const p of packets(tone(700, 48_000, 2, 200))) {
      paced.push(bob, p);
      await clock.advance(20);
    }
    expect(run.got.every((g) => g.frame.samples.every((s) => s === 0))).toBe(true);
    expect(paced.lastSpeaker).toBeUndefined();
    paced.push(alice, tone(700, 48_000, 2, 20, 50));
    expect(paced.lastSpeaker).toBeUndefined();
    paced.push(alice, tone(700, 48_000, 2, 20, 5_000));
    expect(paced.lastSpeaker).toBe(alice);
    run.stop();
    await run.done;
  });

  it('keeps the pace through a lost packet and after the speaker stops', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const start = clock.now();
    const run = consume(paced, clock);
    const ps = packets(tone(700, 48_000, 2, 400));
    for (const [i, p] of ps.entries()) {
      if (i !== 7) paced.push(alice, p);
      await clock.advance(20);
    }
    await clock.advance(2_000);
    const elapsed = clock.now() - start;
    expect(Math.abs(run.got.length - (Math.floor(elapsed / 32) + 1))).toBeLessThanOrEqual(1);
    const tail = run.got.slice(-20);
    expect(tail.every((g) => g.frame.samples.every((s) => s === 0))).toBe(true);
    run.stop();
    await run.done;
  });

  it('skips ahead instead of bursting stale silence when the consumer stalls', async () => {
    const clock = new FakeClock();
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock });
    const stop = new AbortController();
    stops.push(stop);
    const it = paced.frames(stop.signal)[Symbol.asyncIterator]();
    await it.next();
    await clock.advance(5_000);
    let burst = 0;
    for (;;) {
      const next = it.next();
      const raced = await Promise.race([next.then(() => true), clock.advance(0).then(() => false)]);
      if (!raced) break;
      burst++;
    }
    expect(burst).toBeLessThanOrEqual(1);
    stop.abort();
    await clock.advance(100);
  });

  it('refuses a second consumer at the same time', async () => {
    const paced = new PacedInput({ sampleRate: 16_000, frameMs: 32, clock: new FakeClock() });
    const stop = new AbortController();
    stops.push(stop);
    await paced.frames(stop.signal)[Symbol.asyncIterator]().next();
    await expect(paced.frames(stop.signal)[Symbol.asyncIterator]().next()).rejects.toThrow(/already being consumed/);
  });
});
