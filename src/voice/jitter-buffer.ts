import { type PacingClock, systemClock } from './clock.ts';
import type { PcmFrame } from './pcm.ts';
import { Resampler } from './resample.ts';
import { SampleQueue } from './sample-queue.ts';

/** Where paced playback frames go (a Discord AudioPlayer's raw PCM stream, a WebSocket...). */
export interface FrameSink {
  /** An utterance starts: frames follow. */
  start(): void;
  write(frame: PcmFrame): void;
  /** The utterance ran out of audio: let what was written play out. */
  end(): void;
  /** Barge-in: silence now, drop whatever the sink still holds. */
  abort(): void;
}

export interface JitterBufferOptions {
  readonly sink: FrameSink;
  readonly clock?: PacingClock;
  /** Output format. Default 48 kHz stereo, 20 ms frames (what Discord's Opus encoder takes). */
  readonly sampleRate?: number;
  readonly channels?: 1 | 2;
  readonly frameMs?: number;
  /**
   * Audio held before an utterance starts, so a slow second chunk does not make a choppy start. Default 40 ms:
   * with the 60 ms lead it rides over a late chunk, and with real-time 20 ms chunks it adds 20 ms, not 40.
   * It adapts: an utterance that ran dry (the model's audio came late) raises the next start's cushion by
   * `adaptStepMs` per underrun, up to `maxCushionMs`; each few clean utterances lower it again towards `cushionMs`.
   */
  readonly cushionMs?: number;
  readonly maxCushionMs?: number;
  readonly adaptStepMs?: number;
  /** How far ahead of real time frames are written to the sink. Default 60 ms. */
  readonly leadMs?: number;
  /** With no new audio for this long, the utterance is over and the sink is ended. Default 250 ms. */
  readonly idleAfterMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** An abort reason that is not an error: a plain abort() builds a DOMException on every wake-up. */
const WAKE = 'wake';

type State = { readonly status: 'idle' } | { readonly status: 'priming'; readonly since: number } | Playing;
interface Playing {
  readonly status: 'playing';
  anchor: number;
  written: number;
  /** Gaps the listener heard because the model's audio came late. */
  underruns: number;
}

/** Clean utterances in a row after which the cushion shrinks by one step. */
const CLEAN_TO_SHRINK = 3;

/**
 * Model speech in (any rate, bursty chunks), paced frames out in real time. Starts an utterance once a cushion is
 * buffered (or the cushion's time passed), writes frames a little ahead of real time, rides over late chunks
 * without ending (the sink plays silence meanwhile), and ends the utterance only after `idleAfterMs` without
 * audio. `clear()` drops everything at once for barge-in.
 */
export class JitterBuffer {
  readonly #sink: FrameSink;
  readonly #clock: PacingClock;
  readonly #rate: number;
  readonly #channels: 1 | 2;
  readonly #frameMs: number;
  readonly #frameSamples: number;
  readonly #minCushionMs: number;
  readonly #maxCushionMs: number;
  readonly #adaptStepMs: number;
  #cushionMs: number;
  #clean = 0;
  #underruns = 0;
  readonly #leadFrames: number;
  readonly #idleAfterMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #resampler: Resampler;
  readonly #queue = new SampleQueue();
  #state: State = { status: 'idle' };
  #lastPushAt = 0;
  #wake: AbortController | undefined;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: JitterBufferOptions) {
    this.#sink = options.sink;
    this.#clock = options.clock ?? systemClock;
    this.#rate = options.sampleRate ?? 48_000;
    this.#channels = options.channels ?? 2;
    this.#frameMs = options.frameMs ?? 20;
    this.#frameSamples = (this.#rate * this.#frameMs * this.#channels) / 1000;
    this.#cushionMs = options.cushionMs ?? 40;
    this.#minCushionMs = this.#cushionMs;
    this.#maxCushionMs = Math.max(this.#cushionMs, options.maxCushionMs ?? 300);
    this.#adaptStepMs = options.adaptStepMs ?? 40;
    this.#leadFrames = Math.max(1, Math.round((options.leadMs ?? 60) / this.#frameMs));
    this.#idleAfterMs = options.idleAfterMs ?? 250;
    this.#onError = options.onError ?? (() => {});
    this.#resampler = new Resampler(this.#rate, this.#channels);
  }

  get bufferedMs(): number {
    return (this.#queue.length / this.#channels / this.#rate) * 1000;
  }

  get status(): State['status'] {
    return this.#state.status;
  }

  /** The cushion the next utterance starts with (adapted to how late the model's audio has been coming). */
  get cushionMs(): number {
    return this.#cushionMs;
  }

  /** Times playback ran dry mid-utterance, since the start. */
  get underruns(): number {
    return this.#underruns;
  }

  push(frame: PcmFrame): void {
    this.#queue.append(this.#resampler.process(frame).samples);
    this.#lastPushAt = this.#clock.now();
    if (this.#state.status === 'idle') this.#state = { status: 'priming', since: this.#lastPushAt };
    if (this.#running) this.#wake?.abort(WAKE);
    else {
      this.#running = true;
      this.#loop = this.#run().catch(this.#onError);
    }
  }

  /** Barge-in: drops queued audio and silences the sink now. */
  clear(): void {
    this.#queue.clear();
    this.#resampler.reset();
    if (this.#state.status === 'playing') this.#sink.abort();
    this.#state = { status: 'idle' };
    this.#wake?.abort(WAKE);
  }

  /** Resolves once the current utterance is written out (or cleared). */
  async drained(): Promise<void> {
    await this.#loop;
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        const wait = this.#step(this.#clock.now());
        if (wait === undefined) return;
        this.#wake = new AbortController();
        await this.#clock.sleep(wait, this.#wake.signal);
      }
    } finally {
      this.#running = false;
      this.#wake = undefined;
    }
  }

  /** Writes what is due; returns how long to sleep, or undefined when idle. */
  #step(now: number): number | undefined {
    const state = this.#state;
    switch (state.status) {
      case 'idle':
        return undefined;
      case 'priming': {
        const waited = now - state.since;
        const cushion = (this.#cushionMs * this.#rate * this.#channels) / 1000;
        if (this.#queue.length < cushion && waited < this.#cushionMs) return this.#cushionMs - waited;
        this.#sink.start();
        this.#state = { status: 'playing', anchor: now, written: 0, underruns: 0 };
        return this.#step(now);
      }
      case 'playing':
        return this.#feed(state, now);
    }
  }

  #feed(state: Playing, now: number): number | undefined {
    const elapsed = Math.floor((now - state.anchor) / this.#frameMs);
    // After a starved stretch the sink played silence: do not burst to catch up, keep the lead bounded. Audio
    // arriving after such a gap is an underrun the listener heard.
    if (state.written < elapsed) {
      state.anchor = now - state.written * this.#frameMs;
      if (this.#queue.length >= this.#frameSamples) state.underruns++;
    }
    const allowed = Math.floor((now - state.anchor) / this.#frameMs) + this.#leadFrames;
    while (state.written < allowed && this.#queue.length >= this.#frameSamples) {
      this.#sink.write(this.#frame(this.#frameSamples));
      state.written++;
    }
    if (this.#queue.length < this.#frameSamples && now - this.#lastPushAt >= this.#idleAfterMs) {
      if (this.#queue.length > 0) this.#sink.write(this.#frame(this.#queue.length));
      this.#sink.end();
      this.#adapt(state);
      this.#state = { status: 'idle' };
      this.#resampler.reset();
      return undefined;
    }
    const nextSlot = state.anchor + (state.written - this.#leadFrames + 1) * this.#frameMs - now;
    const idleAt = this.#lastPushAt + this.#idleAfterMs - now;
    // Starved: nothing to write until a push wakes us, or the utterance times out.
    return Math.max(1, this.#queue.length >= this.#frameSamples ? nextSlot : idleAt);
  }

  /** Underruns in an utterance mean the model's audio comes later than the cushion covers. */
  #adapt(state: Playing): void {
    const underruns = state.underruns;
    this.#underruns += underruns;
    if (underruns > 0) {
      this.#clean = 0;
      this.#cushionMs = Math.min(this.#maxCushionMs, this.#cushionMs + underruns * this.#adaptStepMs);
    } else if (++this.#clean >= CLEAN_TO_SHRINK) {
      this.#clean = 0;
      this.#cushionMs = Math.max(this.#minCushionMs, this.#cushionMs - this.#adaptStepMs / 2);
    }
  }

  /** A full-size frame with `count` queued samples, zero-padded (only the last frame of an utterance is short). */
  #frame(count: number): PcmFrame {
    const samples = new Int16Array(this.#frameSamples);
    this.#queue.take(samples, 0, count);
    return { sampleRate: this.#rate, channels: this.#channels, samples };
  }
}
