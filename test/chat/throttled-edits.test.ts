import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
