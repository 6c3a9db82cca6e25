import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from '../../../src/app/bench/limiter.ts';
import { AdaptiveRate } from '../../../src/domain/bench/adaptive-rate.ts';

/**
 * The limiter against a simulated rate quota in virtual time (no wall clock, so the figures are exact on any
 * machine): a token bucket admits QUOTA calls per second with `burst` seconds of slack and refuses the rest at
 * once, as Bedrock's 429s do; admitted calls take 40 ms. 32 rows compete for up to 16 calls in flight.
 */
async function simulate(quota: number, calls: number, burst: number) {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, fn: resolve }));
  const limiter = new AdaptiveLimiter(16, () => now, sleep);
  let tokens = quota * burst;
  let refilled = 0;
  const admit = () => {
    tokens = Math.min(quota * burst, tokens + ((now - refilled) / 1000) * quota);
    refilled = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  let answered = 0;
  let refused = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const signal = new AbortController().signal;
  const call = async () => {
    for (;;) {
      const sentAt = await limiter.acquire(signal);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const ok = admit();
      await sleep(ok ? 40 : 2);
      inFlight--;
      limiter.release();
      if (ok) {
        limiter.succeeded();
        answered++;
        return;
      }
      refused++;
      limiter.throttled(sentAt);
    }
  };
  let next = 0;
  const rows = async () => {
    while (next < calls) {
      next++;
      await call();
    }
  };
  let finished = false;
  void Promise.all(Array.from({ length: 32 }, rows)).then(() => {
    finished = true;
  });
  while (!finished) {
    await new Promise((resolve) => setImmediate(resolve));
    timers.sort((a, b) => a.at - b.at);
    const timer = timers.shift();
    if (!timer) continue;
    now = timer.at;
    timer.fn();
  }
  return { share: answered / (now / 1000) / quota, refused, maxInFlight, rate: limiter.rate };
}

describe('AdaptiveLimiter against a rate quota (virtual time)', () => {
  it.each([
    [20, 400, 0.1],
    [100, 2000, 0.1],
    [100, 2000, 1],
    [2, 100, 1],
  ])(
    'quota %i/s, %i calls, %f s of burst: uses >= 90 %% of the quota, refusals stay few',
    async (quota, calls, burst) => {
      const { share, refused, maxInFlight, rate } = await simulate(quota, calls, burst);
      expect(share).toBeGreaterThanOrEqual(0.9);
      expect(share).toBeLessThanOrEqual(1 + burst + 0.05);
      expect(refused).toBeLessThan(calls * 0.05 + 35);
      expect(maxInFlight).toBeLessThanOrEqual(16);
      expect(rate).toBeGreaterThan(quota * 0.7);
      expect(rate).toBeLessThan(quota * (1.5 + burst));
    },
  );

  it('sends without any pacing until the service first refuses', async () => {
    const limiter = new AdaptiveLimiter(
      4,
      () => 0,
      async () => {},
    );
    const signal = new AbortController().signal;
    for (let i = 0; i < 4; i++) await limiter.acquire(signal);
    expect(limiter.rate).toBe(Number.POSITIVE_INFINITY);
    expect(limiter.active).toBe(4);
  });

  it('rejects a queued caller when its signal aborts, and frees its slot', async () => {
    let now = 0;
    const limiter = new AdaptiveLimiter(
      4,
      () => now,
      () => new Promise<void>(() => {}),
    );
    const signal = new AbortController().signal;
    const sentAt = await limiter.acquire(signal);
    limiter.release();
    limiter.throttled(sentAt); // paced from now on
    now = 60_000;
    // A while later: the current slot and one caught-up slot, then callers wait their turn.
    await limiter.acquire(signal);
    await limiter.acquire(signal);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(limiter.active).toBe(2);
  });
});

describe('AdaptiveRate', () => {
  it('grows back after a decrease but never past twice the rate the service admits', () => {
    let now = 0;
    const rate = new AdaptiveRate(() => now);
    for (let i = 0; i < 10; i++) {
      now += 100;
      rate.take();
      rate.admitted();
    }
    rate.throttled(now);
    expect(rate.rate).toBeGreaterThan(8);
    expect(rate.rate).toBeLessThan(11);
    // 100 s of answers at 10/s with no refusal: the rate climbs, then stops at twice that.
    for (let i = 0; i < 1000; i++) {
      now += 100;
      rate.take();
      rate.admitted();
    }
    expect(rate.rate).toBeGreaterThan(15);
    expect(rate.rate).toBeLessThanOrEqual(20.5);
  });
});
