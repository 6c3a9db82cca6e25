import { frameDurationMs, type PcmFrame } from './pcm.ts';

/**
 * The user audio sent since the last point where the model had heard everything (a FINAL user transcript or the
 * end of an answer), at most `maxMs` of it. When a session is renewed, this is replayed to the new one so a
 * sentence the user was in the middle of is not lost (AWS's session-continuation sample keeps 3 s the same way).
 */
export class ReplayBuffer {
  readonly #maxMs: number;
  #frames: PcmFrame[] = [];
  #ms = 0;
  #voiced = false;

  constructor(maxMs: number) {
    this.#maxMs = maxMs;
  }

  /**
   * Silence before the first speech is not kept (one frame of it is, as a lead-in): replaying it would only double
   * audio the old session already heard, and delay the user's words in the new one.
   */
  add(frame: PcmFrame, voiced = true): void {
    if (this.#maxMs <= 0) return;
    if (!voiced && !this.#voiced) {
      this.#frames = [frame];
      this.#ms = frameDurationMs(frame);
      return;
    }
    this.#voiced = true;
    this.#frames.push(frame);
    this.#ms += frameDurationMs(frame);
    while (this.#ms > this.#maxMs && this.#frames.length > 1) {
      const dropped = this.#frames.shift() as PcmFrame;
      this.#ms -= frameDurationMs(dropped);
    }
  }

  /** The model has heard everything so far. */
  clear(): void {
    this.#frames = [];
    this.#ms = 0;
    this.#voiced = false;
  }

  frames(): readonly PcmFrame[] {
    return this.#frames;
  }
}
