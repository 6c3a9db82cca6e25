import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EditBudget } from '../../src/chat/edit-budget.ts';
import { ThrottledEdits } from '../../src/chat/throttled-edits.ts';

describe('ThrottledEdits', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends at most one edit per interval, always the latest value', async () => {
    const sent: number[] = [];
    const edits = new ThrottledEdits<number>(
      async (v) => void sent.push(v),
      1000,
      () => {},
    );
    for (let i = 1; i <= 5; i++) edits.push(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([5]);
    edits.push(6);
    edits.push(7);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([5]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([5, 7]);
  });

  it('drops pending edits on close and reports send failures', async () => {
    const errors: unknown[] = [];
    const edits = new ThrottledEdits<number>(
      async () => {
        throw new Error('rate limited');
      },
      1000,
      (e) => errors.push(e),
    );
    edits.push(1);
    await vi.advanceTimersByTimeAsync(0);
    edits.push(2);
    await edits.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(errors).toHaveLength(1);
  });
});

describe('ThrottledEdits on a slow or rate-limited surface', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A surface whose every edit takes `ms` (a 429 back-off inside the client, scaled) and may then fail. */
  function slowSurface(ms: number, fail = false) {
    const surface = { inFlight: 0, maxInFlight: 0, values: [] as number[], failures: 0 };
    const send = (value: number) =>
      new Promise<void>((resolve, reject) => {
        surface.inFlight++;
        surface.maxInFlight = Math.max(surface.maxInFlight, surface.inFlight);
        setTimeout(() => {
          surface.inFlight--;
          surface.values.push(value);
          if (fail) reject(Object.assign(new Error('429: You are being rate limited.'), { status: 429 }));
          else resolve();
        }, ms);
      });
    return { surface, send };
  }

  /** Pushes 1..n, one every `everyMs`, then closes; returns when the last edit in flight settled (fake time). */
  async function stream(edits: ThrottledEdits<number>, n: number, everyMs: number): Promise<number> {
    for (let i = 1; i <= n; i++) {
      edits.push(i);
      await vi.advanceTimersByTimeAsync(everyMs);
    }
    edits.close();
    const closedAt = Date.now();
    let settled = false;
    void edits.settled().then(() => {
      settled = true;
    });
    while (!settled) await vi.advanceTimersByTimeAsync(10);
    return Date.now() - closedAt;
  }

  it('keeps one edit in flight and one waiting; close drops the rest at once (measured: 5.0 s of queue)', async () => {
    const { surface, send } = slowSurface(600);
    const edits = new ThrottledEdits<number>(send, 100, () => {});
    const drainMs = await stream(edits, 30, 100);
    expect(surface.maxInFlight).toBe(1);
    // close() returned at once; what was still in flight settled within one edit, nothing queued behind it.
    expect(drainMs).toBeLessThanOrEqual(600);
    // Edits went out as the surface allowed: every one a newer value than the one before, none after close.
    expect(surface.values).toEqual([...surface.values].sort((a, b) => a - b));
    expect(surface.values.length).toBeLessThanOrEqual(6);
    const sentBeforeClose = surface.values.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(surface.values).toHaveLength(sentBeforeClose);
  });

  it('does the same when every edit ends in a 429, reporting each', async () => {
    const errors: unknown[] = [];
    const { surface, send } = slowSurface(600, true);
    const edits = new ThrottledEdits<number>(send, 100, (e) => errors.push(e));
    const drainMs = await stream(edits, 30, 100);
    expect(surface.maxInFlight).toBe(1);
    expect(drainMs).toBeLessThanOrEqual(600);
    expect(errors).toHaveLength(surface.values.length);
  });

  it('drops in-between edits when the shared budget is spent, sending the latest once it refills', async () => {
    // Two answers streaming in one channel: 2 edits at once, then one a second, shared.
    const budget = new EditBudget({ perMinute: 60, burst: 2 });
    const a = slowSurface(10);
    const b = slowSurface(10);
    const editsA = new ThrottledEdits<number>(a.send, 100, () => {}, budget);
    const editsB = new ThrottledEdits<number>(b.send, 100, () => {}, budget);
    for (let i = 1; i <= 50; i++) {
      editsA.push(i);
      editsB.push(i);
      await vi.advanceTimersByTimeAsync(100);
    }
    // 5 s of streaming: the burst of 2 plus about one a second, never the 100 the interval alone would allow.
    const total = a.surface.values.length + b.surface.values.length;
    expect(total).toBeGreaterThanOrEqual(5);
    expect(total).toBeLessThanOrEqual(8);
    // Both answers got edits, and each only ever moved forward.
    expect(a.surface.values.length).toBeGreaterThan(0);
    expect(b.surface.values.length).toBeGreaterThan(0);
    editsA.close();
    editsB.close();
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([editsA.settled(), editsB.settled()]);
  });
});
