import type { UserId } from '../domain/ids.ts';
import { type PacingClock, systemClock } from './clock.ts';
import type { PcmFrame } from './pcm.ts';
import { Resampler } from './resample.ts';
import { SampleQueue } from './sample-queue.ts';

export interface PacedInputOptions {
  readonly sampleRate: number;
  readonly frameMs: number;
  /** Speakers we listen to; others are dropped at `push`. Default: everyone. */
  readonly allowed?: (speaker: UserId) => boolean;
  readonly clock?: PacingClock;
  /** How long a frame may wait for a talking speaker's next packet before it goes out padded. Default 60 ms. */
  readonly slackMs?: number;
  /** Queued audio per speaker beyond this is dropped, oldest first, so latency stays bounded. Default 400 ms. */
  readonly maxQueueMs?: number;
}

interface SpeakerQueue {
  readonly resampler: Resampler;
  readonly queue: SampleQueue;
  /** The speaker contributed to the last frame: their next samples continue it (no re-alignment). */
  inLast: boolean;
  lastPushAt: number;
}

/** Frames quieter than this RMS do not make their speaker the `lastSpeaker` (about -36 dBFS). */
const SPEECH_RMS = 500;
const FORGET_AFTER_MS = 60_000;
/** When the consumer falls this far behind, skip ahead instead of bursting the backlog of silence. */
const MAX_LAG_FRAMES = 10;

/**
 * Speakers' PCM in (any rate, any arrival times), one mixed real-time stream out: a fixed-size mono frame per
 * `frameMs` of wall clock, silence when nobody talks, so a speech model can hear the end of a turn.
 *
 * Frames go out as soon as every talking speaker has a frame's worth queued (no added latency while audio
 * flows), never more than one frame ahead of the clock; at the latest `slackMs` after their due time, padded.
 * Speech that starts during silence is right-aligned in its first frame, so the start of a word is not split.
 */
export class PacedInput {
  readonly #rate: number;
  readonly #frameMs: number;
  readonly #frameSamples: number;
  readonly #allowed: (speaker: UserId) => boolean;
  readonly #clock: PacingClock;
  readonly #slackMs: number;
  readonly #maxQueue: number;
  readonly #speakers = new Map<UserId, SpeakerQueue>();
  readonly #mix: Float32Array;
  readonly #part: Int16Array;
  #wake: (() => void) | undefined;
  #running = false;
  #lastSpeaker: UserId | undefined;
  #frameSpeaker: UserId | undefined;

  constructor(options: PacedInputOptions) {
    this.#rate = options.sampleRate;
    this.#frameMs = options.frameMs;
    this.#frameSamples = (options.sampleRate * options.frameMs) / 1000;
    if (!Number.isInteger(this.#frameSamples) || this.#frameSamples <= 0) {
      throw new RangeError(`frameMs ${options.frameMs} does not give a whole number of samples at ${this.#rate} Hz`);
    }
    this.#allowed = options.allowed ?? (() => true);
    this.#clock = options.clock ?? systemClock;
    this.#slackMs = options.slackMs ?? 60;
    this.#maxQueue = Math.round(((options.maxQueueMs ?? 400) * this.#rate) / 1000);
    this.#mix = new Float32Array(this.#frameSamples);
    this.#part = new Int16Array(this.#frameSamples);
  }

  /** The latest allowed speaker heard above a speech threshold: who tools act for. */
  get lastSpeaker(): UserId | undefined {
    return this.#lastSpeaker;
  }

  /** The loudest speaker in the last frame out, when they spoke above the speech threshold (the floor's holder). */
  get frameSpeaker(): UserId | undefined {
    return this.#frameSpeaker;
  }

  push(speaker: UserId, frame: PcmFrame): void {
    if (!this.#allowed(speaker) || frame.samples.length === 0) return;
    let q = this.#speakers.get(speaker);
    if (!q) {
      q = { resampler: new Resampler(this.#rate, 1), queue: new SampleQueue(), inLast: false, lastPushAt: 0 };
      this.#speakers.set(speaker, q);
    }
    const samples = q.resampler.process(frame).samples;
    if (samples.length === 0) return;
    q.queue.append(samples);
    q.lastPushAt = this.#clock.now();
    if (q.queue.length > this.#maxQueue) q.queue.drop(q.queue.length - this.#maxQueue);
    if (rms(samples) >= SPEECH_RMS) this.#lastSpeaker = speaker;
    this.#wake?.();
  }

  /** Paced frames until `signal` aborts. One consumer at a time. */
  async *frames(signal: AbortSignal): AsyncIterable<PcmFrame> {
    if (this.#running) throw new Error('PacedInput.frames() is already being consumed');
    this.#running = true;
    try {
      let anchor = this.#clock.now();
      let n = 0;
      while (!signal.aborted) {
        const now = this.#clock.now();
        let due = anchor + n * this.#frameMs;
        if (now - due > MAX_LAG_FRAMES * this.#frameMs) {
          anchor = now - n * this.#frameMs;
          due = now;
        }
        const { ready, waiting } = this.#status(now);
        const deadline = due + (waiting ? this.#slackMs : 0);
        if ((ready && now >= due - this.#frameMs) || now >= deadline) {
          n++;
          yield this.#mixFrame(now);
          continue;
        }
        await this.#sleepUntil((ready ? due - this.#frameMs : deadline) - now, signal);
      }
    } finally {
      this.#running = false;
    }
  }

  /** `ready`: a frame can go out now without cutting anyone; `waiting`: a talking speaker's next packet is due. */
  #status(now: number): { ready: boolean; waiting: boolean } {
    let sound = false;
    let waiting = false;
    for (const { queue, inLast, lastPushAt } of this.#speakers.values()) {
      if (queue.length >= this.#frameSamples) sound = true;
      else if (inLast && (queue.length > 0 || now - lastPushAt < this.#slackMs)) waiting = true;
      else if (queue.length > 0) sound = true;
    }
    return { ready: sound && !waiting, waiting };
  }

  #mixFrame(now: number): PcmFrame {
    const mix = this.#mix;
    const part = this.#part;
    const size = this.#frameSamples;
    mix.fill(0);
    let loudest = SPEECH_RMS * SPEECH_RMS * size;
    this.#frameSpeaker = undefined;
    for (const [speaker, q] of this.#speakers) {
      // People come and go in a long session: forget long-silent speakers (their filter state is stale anyway).
      if (q.queue.length === 0 && now - q.lastPushAt > FORGET_AFTER_MS) this.#speakers.delete(speaker);
      const take = Math.min(q.queue.length, size);
      // A speaker starting during silence is right-aligned: their speech is contiguous from here on.
      const at = !q.inLast && take < size ? size - take : 0;
      q.queue.take(part, 0, take);
      let energy = 0;
      for (let i = 0; i < take; i++) {
        const v = part[i] as number;
        mix[at + i] = (mix[at + i] as number) + v;
        energy += v * v;
      }
      // Energy over the whole frame: a speaker must fill it with speech to hold the floor, not a click.
      if (energy >= loudest) {
        loudest = energy;
        this.#frameSpeaker = speaker;
      }
      q.inLast = take > 0;
    }
    let peak = 0;
    for (let i = 0; i < size; i++) peak = Math.max(peak, Math.abs(mix[i] as number));
    // Several loud speakers can exceed full scale: scale the frame down rather than clip it.
    const gain = peak > 32767 ? 32767 / peak : 1;
    const samples = new Int16Array(size);
    for (let i = 0; i < size; i++) samples[i] = Math.round((mix[i] as number) * gain);
    return { sampleRate: this.#rate, channels: 1, samples };
  }

  async #sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    // A plain reason: abort() without one builds a DOMException on every wake-up.
    const onAbort = (): void => wake.abort('wake');
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wake = onAbort;
    try {
      await this.#clock.sleep(ms, wake.signal);
    } finally {
      this.#wake = undefined;
      signal.removeEventListener('abort', onAbort);
    }
  }
}

const rms = (samples: Int16Array): number => {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
  return Math.sqrt(sum / samples.length);
};
