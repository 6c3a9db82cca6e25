import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_EDIT_BURST,
  DEFAULT_EDITS_PER_MINUTE,
  WorkspaceEditBudget,
  WorkspaceEditBudgets,
} from '../../../adapters/slack/workspace-edit-budget.ts';

const takeAll = (budget: WorkspaceEditBudget): number => {
  let taken = 0;
  while (budget.tryTake()) taken++;
  return taken;
};

describe('WorkspaceEditBudget', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets a small burst go, then refills at about 45 edits a minute', () => {
    const budget = new WorkspaceEditBudget();
    expect(takeAll(budget)).toBe(DEFAULT_EDIT_BURST);
    vi.advanceTimersByTime(60_000);
    // A quiet minute refills the bucket only up to the burst, not to a minute's worth.
    expect(takeAll(budget)).toBe(DEFAULT_EDIT_BURST);
    let granted = 0;
    for (let second = 0; second < 60; second++) {
      vi.advanceTimersByTime(1_000);
      granted += takeAll(budget);
    }
    expect(granted).toBe(DEFAULT_EDITS_PER_MINUTE);
  });

  it('grants waiting edits in arrival order as tokens come, and lets no one jump the queue', () => {
    const budget = new WorkspaceEditBudget({ perMinute: 60, burst: 1 });
    expect(budget.tryTake()).toBe(true);
    const granted: string[] = [];
    budget.wait(() => granted.push('a'));
    budget.wait(() => granted.push('b'));
    vi.advanceTimersByTime(1_000);
    expect(granted).toEqual(['a']);
    vi.advanceTimersByTime(500);
    expect(budget.tryTake()).toBe(false);
    vi.advanceTimersByTime(500);
    expect(granted).toEqual(['a', 'b']);
    expect(budget.waiting).toBe(0);
  });

  it('counts final renders without refusing them, so progress waits longer after them', () => {
    const budget = new WorkspaceEditBudget({ perMinute: 60, burst: 2 });
    budget.spend();
    budget.spend();
    budget.spend();
    expect(budget.tryTake()).toBe(false);
    const granted = vi.fn();
    budget.wait(granted);
    vi.advanceTimersByTime(1_999);
    expect(granted).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(granted).toHaveBeenCalledOnce();
  });

  it('holds progress off until Retry-After has passed', () => {
    const budget = new WorkspaceEditBudget();
    budget.holdOff(30_000);
    expect(budget.tryTake()).toBe(false);
    const granted = vi.fn();
    budget.wait(granted);
    vi.advanceTimersByTime(29_999);
    expect(granted).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(granted).toHaveBeenCalledOnce();
  });

  it('holds no timer while nothing waits, and drops it when the last waiter leaves', () => {
    const budget = new WorkspaceEditBudget({ burst: 1 });
    expect(budget.tryTake()).toBe(true);
    budget.spend();
    expect(vi.getTimerCount()).toBe(0);
    const leave = budget.wait(() => {});
    expect(vi.getTimerCount()).toBe(1);
    leave();
    expect(vi.getTimerCount()).toBe(0);
    budget.wait(() => {});
    vi.advanceTimersByTime(60_000);
    expect(budget.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('WorkspaceEditBudgets', () => {
  it('keeps one budget per workspace', () => {
    const budgets = new WorkspaceEditBudgets({ burst: 1 });
    expect(budgets.for('T1')).toBe(budgets.for('T1'));
    expect(budgets.for('T1').tryTake()).toBe(true);
    expect(budgets.for('T1').tryTake()).toBe(false);
    expect(budgets.for('T2').tryTake()).toBe(true);
  });
});
