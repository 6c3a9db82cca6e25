import { afterEach, describe, expect, it } from 'vitest';
import { userId } from '../../src/domain/ids.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { type RunningVoiceConversation, startVoiceConversation } from '../../src/voice/conversation-loop.ts';
import { type FrameSink, JitterBuffer } from '../../src/voice/jitter-buffer.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryChannelIo, ScriptedVoiceModel, speechFrame, until } from '../support/voice-loop-fakes.ts';

const alice = userId('discord', 'alice');
const out24k = (ms: number): PcmFrame => ({
  sampleRate: 24_000,
  channels: 1,
  samples: new Int16Array((24_000 * ms) / 1000).fill(3_000),
});

/** A channel whose playback is the real jitter buffer, so barge-in has real buffered audio to drop. */
class BufferedIo extends MemoryChannelIo {
  readonly sinkLog: string[] = [];
  written = 0;
  stoppedAt: number | undefined;
  readonly buffer: JitterBuffer;
  readonly #clock: FakeClock;
  constructor(clock: FakeClock) {
    super();
    this.#clock = clock;
    const sink: FrameSink = {
      start: () => this.sinkLog.push('start'),
      write: () => void this.written++,
      end: () => this.sinkLog.push('end'),
      abort: () => this.sinkLog.push('abort'),
    };
    this.buffer = new JitterBuffer({ sink, clock });
  }
  override play(frame: PcmFrame): void {
    super.play(frame);
    this.buffer.push(frame);
  }
  override stopPlayback(): void {
    this.stoppedAt ??= this.#clock.now();
    super.stopPlayback();
    this.buffer.clear();
  }
}

describe('barge-in with audio buffered', () => {
  const running: RunningVoiceConversation[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  async function setup(minBargeInMs?: number) {
    const clock = new FakeClock();
    const io = new BufferedIo(clock);
    const model = new ScriptedVoiceModel();
    running.push(
      startVoiceConversation({
        io,
        model,
        tools: [],
        caller: () => ({ user: alice, isStaff: false }),
        transcripts: false,
        clock,
        log: silentLogger,
        ...(minBargeInMs === undefined ? {} : { minBargeInMs }),
      }),
    );
    const session = await model.session(0);
    // The model speaks 2 s faster than real time, as Sonic does: most of it waits in the jitter buffer.
    for (let i = 0; i < 50; i++) session.emit({ type: 'audio', frame: out24k(40) });
    await until(
      () => io.buffer.status === 'playing',
      'playing',
      () => clock.advance(20),
    );
    await clock.advance(200);
    return { clock, io, model, session };
  }

  it("the model's INTERRUPTED empties the buffer and silences the sink in the same instant", async () => {
    const { clock, io, session } = await setup();
    expect(io.buffer.bufferedMs).toBeGreaterThan(1_500);
    const at = clock.now();
    session.emit({ type: 'interrupted' });
    await until(
      () => io.sinkLog.includes('abort'),
      'sink aborted',
      () => Promise.resolve(),
    );
    expect(clock.now()).toBe(at); // no virtual time passed: nothing more was paced out
    expect(io.buffer.bufferedMs).toBe(0);
    const written = io.written;
    await clock.advance(500);
    expect(io.written).toBe(written);
  });

  it('a backchannel shorter than the minimum does not interrupt; talking over the bot longer does', async () => {
    const { clock, io, session } = await setup(300);
    const talk = async (ms: number) => {
      for (let t = 0; t < ms; t += 20) {
        io.say(alice, speechFrame(6_000));
        await clock.advance(20);
      }
    };
    await talk(160); // "uh-huh"
    await clock.advance(200);
    expect(io.stops).toBe(0);
    expect(io.buffer.bufferedMs).toBeGreaterThan(500);
    const from = clock.now();
    await talk(600);
    expect(io.stops).toBe(1);
    expect(io.buffer.bufferedMs).toBe(0);
    expect(io.sinkLog.at(-1)).toBe('abort');
    // Stopped once the minimum was talked, within a paced frame or two (virtual time, not a measurement).
    expect((io.stoppedAt ?? 0) - from).toBeGreaterThanOrEqual(300 - 40); // frames go out up to one early
    expect((io.stoppedAt ?? 0) - from).toBeLessThanOrEqual(400);
    // The rest of the answer the model still sends is not played; its next answer is.
    const played = io.played.length;
    session.emit({ type: 'audio', frame: out24k(40) });
    await clock.advance(40);
    expect(io.played.length).toBe(played);
    session.emit(
      { type: 'interrupted' },
      { type: 'transcript', role: 'user', text: 'stop, what about tomorrow', final: true },
      { type: 'audio', frame: out24k(40) },
    );
    await until(
      () => io.played.length === played + 1,
      'next answer plays',
      () => clock.advance(20),
    );
  });

  it('with client-side barge-in off, only the model interrupts', async () => {
    const { clock, io } = await setup(0);
    for (let t = 0; t < 600; t += 20) {
      io.say(alice, speechFrame(6_000));
      await clock.advance(20);
    }
    expect(io.stops).toBe(0);
  });
});
