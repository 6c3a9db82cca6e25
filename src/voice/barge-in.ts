import type { PacingClock } from './clock.ts';
import { frameDurationMs, type PcmFrame } from './pcm.ts';

/**
 * Client-side barge-in: the user talking over the bot for at least `minMs` stops the bot here, without waiting
 * for the model's own detection (a round trip, and Sonic waits for words). Shorter sounds, a backchannel
 * ("uh-huh", "mm") or a cough, do not interrupt: OpenClaw uses 250 ms for the same reason. The bot counts as
 * talking until the audio handed to playback has had time to play.
 */
export class BargeInDetector {
  readonly #minMs: number;
  readonly #clock: PacingClock;
  #speakingUntil = Number.NEGATIVE_INFINITY;
  #run = 0;

  constructor(minMs: number, clock: PacingClock) {
    this.#minMs = minMs;
    this.#clock = clock;
  }

  /** Model speech went to playback. */
  played(frame: PcmFrame): void {
    const now = this.#clock.now();
    this.#speakingUntil = Math.max(now, this.#speakingUntil) + frameDurationMs(frame);
  }

  /** Playback was stopped (by either side's barge-in). */
  stopped(): void {
    this.#speakingUntil = Number.NEGATIVE_INFINITY;
    this.#run = 0;
  }

  get speaking(): boolean {
    return this.#clock.now() < this.#speakingUntil;
  }

  /** One paced frame of what the users said; true once they have talked over the bot for `minMs` in a row. */
  heard(frameMs: number, voiced: boolean): boolean {
    if (!voiced || !this.speaking) {
      this.#run = 0;
      return false;
    }
    this.#run += frameMs;
    return this.#run >= this.#minMs;
  }
}
