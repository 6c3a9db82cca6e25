/** A token bucket as stored (shared stores keep exactly this): tokens left at `updatedAt` (ms since the epoch). */
export interface BucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

export interface Rate {
  readonly perMinute: number;
  readonly burst: number;
}

/** A bucket never seen before is full. */
export const fullBucket = (rate: Rate, now: number): BucketState => ({ tokens: rate.burst, updatedAt: now });

/** Tokens at `now`: refilled at the rate, capped at the burst. A clock that went backwards adds nothing. */
export function refill(state: BucketState, rate: Rate, now: number): BucketState {
  const elapsed = Math.max(0, now - state.updatedAt);
  return {
    tokens: Math.min(rate.burst, state.tokens + (elapsed * rate.perMinute) / 60_000),
    updatedAt: Math.max(now, state.updatedAt),
  };
}

// Refill arithmetic in fractions of a token must not leave a taker one rounding error short.
const EPSILON = 1e-9;

/** Takes one token: the new state, or undefined when the bucket has less than one. */
export function takeOne(state: BucketState, rate: Rate, now: number): BucketState | undefined {
  const current = refill(state, rate, now);
  if (current.tokens < 1 - EPSILON) return undefined;
  return { ...current, tokens: current.tokens - 1 };
}

/**
 * Counts a use that did not ask; the debt is bounded at one minute of tokens, so a burst of finals cannot silence
 * progress for longer than that.
 */
export function spendOne(state: BucketState, rate: Rate, now: number): BucketState {
  const current = refill(state, rate, now);
  return { ...current, tokens: Math.max(-rate.perMinute, current.tokens - 1) };
}

/** No token before `ms` from now (a 429's Retry-After). */
export function holdOff(state: BucketState, rate: Rate, now: number, ms: number): BucketState {
  const current = refill(state, rate, now);
  return { ...current, tokens: Math.min(current.tokens, 1 - (ms * rate.perMinute) / 60_000) };
}
