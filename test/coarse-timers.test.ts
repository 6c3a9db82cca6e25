import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CoarseTimers } from '../src/coarse-timers.ts';

describe('CoarseTimers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, no earlier than asked and at most one tick later', () => {
    const timers = new CoarseTimers({ tickMs: 25 });
    const fired: number[] = [];
    const start = performance.now();
    timers.after(100, () => fired.push(performance.now() - start));
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(26);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(100);
    expect(fired[0]).toBeLessThanOrEqual(125);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });

  it('never fires a cancelled timer, and cancel is safe to repeat', () => {
    const timers = new CoarseTimers({ tickMs: 10 });
    const fire = vi.fn();
    const timer = timers.after(50, fire);
    timer.cancel();
    timer.cancel();
    vi.advanceTimersByTime(500);
    expect(fire).not.toHaveBeenCalled();
  });

  it('runs timers armed or cancelled by a firing one on later ticks, in order', () => {
    const timers = new CoarseTimers({ tickMs: 10 });
    const order: string[] = [];
    const later = timers.after(20, () => order.push('cancelled by first'));
    timers.after(10, () => {
      order.push('first');
      later.cancel();
      timers.after(0, () => order.push('armed by first'));
    });
    vi.advanceTimersByTime(10);
    expect(order).toEqual(['first']);
    vi.advanceTimersByTime(30);
    expect(order).toEqual(['first', 'armed by first']);
  });

  it('keeps one interval while busy and stops it after the idle period', () => {
    const timers = new CoarseTimers({ tickMs: 10, idleMs: 100 });
    for (let i = 0; i < 50; i++) timers.after(1_000, () => {}).cancel();
    timers.after(5, () => {});
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
    const fire = vi.fn();
    timers.after(5, fire);
    vi.advanceTimersByTime(10);
    expect(fire).toHaveBeenCalledOnce();
  });
});
