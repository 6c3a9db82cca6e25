import { describe, expect, it } from 'vitest';
import { EditBudget, type EditBudgetClock } from '../../src/chat/edit-budget.ts';

/** A manual clock: time moves only when the test says, timers fire on `advance`. */
class ManualClock implements EditBudgetClock {
  #now = 0;
  #timers: { at: number; fire: () => void }[] = [];
  now(): number {
    return this.#now;
  }
  after(ms: number, fire: () => void): () => void {
    const timer = { at: this.#now + ms, fire };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }
  advance(ms: number): void {
    this.#now += ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.#timers = this.#timers.filter((t) => t !== due);
      due.fire();
    }
  }
}

const takeAll = (budget: EditBudget): number => {
  let taken = 0;
  while (budget.tryTake()) taken++;
  return taken;
};

describe('EditBudget reserve for finals', () => {
  it('with one answer open, progress uses the whole bucket, as without open()', () => {
    const clock = new ManualClock();
    const budget = new EditBudget({ perMinute: 60, burst: 5, clock });
    const release = budget.open();
    expect(takeAll(budget)).toBe(5);
    clock.advance(1_000);
    expect(takeAll(budget)).toBe(1);
    release();
    expect(budget.streaming).toBe(0);
  });

  it('keeps one token per other open answer, so every final finds room', () => {
    const clock = new ManualClock();
    const budget = new EditBudget({ perMinute: 60, burst: 5, clock });
    const releases = [budget.open(), budget.open(), budget.open()];
    // Three answers open: progress stops with two tokens left, one for each other answer's final.
    expect(takeAll(budget)).toBe(3);
    // Two finals spend the kept tokens; the last one borrows at most one (the progress edit's own was its).
    budget.spend();
    releases[0]?.();
    budget.spend();
    releases[1]?.();
    // One answer left, no reserve: the bucket is empty, not in debt, so a second later progress goes again.
    expect(budget.tryTake()).toBe(false);
    clock.advance(1_000);
    expect(budget.tryTake()).toBe(true);
    releases[2]?.();
  });

  it('caps the reserve at the burst, so progress still goes with many answers open', () => {
    const clock = new ManualClock();
    const budget = new EditBudget({ perMinute: 30, burst: 2, clock });
    for (let i = 0; i < 4; i++) budget.open();
    // Four answers open, a bucket of two: progress keeps one token (not three it could never hold).
    expect(takeAll(budget)).toBe(1);
    clock.advance(1_000);
    expect(budget.tryTake()).toBe(false);
    clock.advance(1_000);
    expect(budget.tryTake()).toBe(true);
  });

  it('holds waiting edits until the reserve is there, and lets them go when an answer is released', () => {
    const clock = new ManualClock();
    const budget = new EditBudget({ perMinute: 60, burst: 3, clock });
    const first = budget.open();
    budget.open();
    expect(takeAll(budget)).toBe(2);
    const granted: string[] = [];
    budget.wait(() => granted.push('a'));
    // One token left, kept for the other answer's final: the edit waits.
    clock.advance(500);
    expect(granted).toEqual([]);
    // The other answer is gone: no reserve, the token is this edit's.
    first();
    clock.advance(0);
    expect(granted).toEqual(['a']);
  });

  it('releases once however often release is called', () => {
    const budget = new EditBudget({ perMinute: 60, burst: 5, clock: new ManualClock() });
    const release = budget.open();
    budget.open();
    release();
    release();
    expect(budget.streaming).toBe(1);
  });
});
