/**
 * A client-side send rate that finds a service's rate quota. Quotas are rates (requests or tokens per minute), so
 * halving the calls in flight on a 429, as run mode used to, left most of the quota unused (40-50 % in bench:run);
 * the AWS SDKs' adaptive mode (CUBIC over all responses) collapsed to its floor here when 16 calls in flight were
 * refused at once. This is AIMD on the rate itself:
 * - no limit until the service first throttles;
 * - on a throttle, the rate becomes 0.9x the rate calls were *admitted* at over the last second (the best estimate
 *   of the quota), at most once per burst: a throttle for a call sent before the last decrease says nothing new;
 * - while calls are admitted the rate grows by GROWTH x (seconds since the last decrease) per second: gently just
 *   after a decrease (it is near the quota), faster the longer nothing is refused (it is far below);
 * - sends are spaced evenly (1/rate apart), never in bursts.
 * Pure state over an injected clock in milliseconds: the caller waits while `untilNext()` > 0, then `take()`s.
 */
export class AdaptiveRate {
  static readonly DECREASE = 0.9;
  /** Growth per second is this times the seconds since the last decrease: slow near the quota, fast far below. */
  static readonly GROWTH = 0.08;
  static readonly MIN_RATE = 0.2;

  readonly #now: () => number;
  #rate = Number.POSITIVE_INFINITY;
  #next = 0;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  #lastGrowth = 0;
  /** Set by a refusal that came before any answer: the rate is a guess until a second of answers corrects it. */
  #provisional = false;
  /** Times (ms) calls were admitted, and sent, in the last second, oldest first. */
  readonly #admitted: number[] = [];
  readonly #sent: number[] = [];
  #first: number | undefined;
  /** Lowest rate limit set, for the report. */
  lowest = Number.POSITIVE_INFINITY;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The rate limit in requests per second; Infinity until the service first throttles. */
  get rate(): number {
    return this.#rate;
  }

  /** Milliseconds until a send is allowed (0: now). Asked again after waiting: the rate may have changed. */
  untilNext(): number {
    return Number.isFinite(this.#rate) ? Math.max(0, this.#next - this.#now()) : 0;
  }

  /** Records a send; the next one is allowed 1/rate later (a late send catches up one slot at most, no burst). */
  take(): void {
    const now = this.#now();
    recent(this.#sent, now).push(now);
    if (!Number.isFinite(this.#rate)) return;
    const gap = 1000 / this.#rate;
    this.#next = Math.max(this.#next, now - gap) + gap;
  }

  /** The service admitted a call. */
  admitted(): void {
    const now = this.#now();
    this.#first ??= now;
    const admitted = recent(this.#admitted, now).push(now);
    if (!Number.isFinite(this.#rate)) return;
    if (this.#provisional) {
      this.#rate = Math.max(this.#rate, this.#admittedRate(admitted, now) * AdaptiveRate.DECREASE);
      this.#provisional = now - (this.#first ?? now) < 1000;
    }
    const dt = Math.min(1, (now - this.#lastGrowth) / 1000);
    const since = (now - this.#lastDecrease) / 1000;
    // Never more than twice what the service admitted over the last second: a rate nobody uses is no estimate.
    const ceiling = Math.max(AdaptiveRate.MIN_RATE, 2 * this.#admittedRate(admitted, now));
    this.#rate = Math.min(this.#rate * Math.exp(AdaptiveRate.GROWTH * since * dt), Math.max(ceiling, this.#rate));
    this.#lastGrowth = now;
  }

  /** Calls admitted per second over the last second (over the time since the first answer while shorter). */
  #admittedRate(admitted: number, now: number): number {
    const span = this.#first === undefined ? 1000 : Math.min(1000, Math.max(100, now - this.#first));
    return (admitted * 1000) / span;
  }

  /** The service throttled a call sent at `sentAt` (clock ms). */
  throttled(sentAt: number): void {
    if (sentAt <= this.#lastDecrease) return;
    const now = this.#now();
    const admitted = recent(this.#admitted, now).length;
    // Nothing admitted yet (refusals come back before answers): half the rate calls were sent at, as a guess that
    // the answers then correct.
    this.#provisional = admitted === 0;
    const base = this.#provisional
      ? Math.min(this.#rate, recent(this.#sent, now).length) / 2 / AdaptiveRate.DECREASE
      : Math.min(this.#rate, this.#admittedRate(admitted, now));
    this.#rate = Math.max(AdaptiveRate.MIN_RATE, base * AdaptiveRate.DECREASE);
    this.#lastDecrease = now;
    this.#lastGrowth = now;
    this.lowest = Math.min(this.lowest, this.#rate);
    this.#next = now + 1000 / this.#rate;
  }
}

/** Drops the entries older than a second and returns the array. */
function recent(times: number[], now: number): number[] {
  while ((times[0] ?? now) <= now - 1000) times.shift();
  return times;
}
