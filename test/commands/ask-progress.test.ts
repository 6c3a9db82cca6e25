import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressSink } from '../../commands/ask-progress.ts';
import type { AskProgress } from '../../src/app/ask/ask.ts';
import { CoarseTimers } from '../../src/coarse-timers.ts';
import { RecordingReplyChannel } from '../support/command-context.ts';
import { aModel } from '../support/models.ts';

const a = aModel('a');
const b = aModel('b');
const at = (model: typeof a, text: string): AskProgress => ({ model, text, failed: [] });

describe('progressSink', () => {
  // A 1 ms tick keeps the interval checks below exact; the shipped ticker is coarser.
  let timers: CoarseTimers;
  beforeEach(() => {
    timers = new CoarseTimers({ tickMs: 1 });
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a model start at once and coalesces text to the latest per interval', () => {
    const channel = new RecordingReplyChannel();
    const sink = progressSink(channel, 250, timers);
    sink.onProgress(at(a, ''));
    sink.onProgress(at(a, 'one'));
    sink.onProgress(at(a, 'one two'));
    expect(channel.progressTexts).toEqual(['…']);
    vi.advanceTimersByTime(250);
    expect(channel.progressTexts).toEqual(['…', 'one two']);
    sink.onProgress(at(a, 'one two three'));
    vi.advanceTimersByTime(249);
    expect(channel.progressTexts).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(channel.progressTexts.at(-1)).toBe('one two three');
    expect(channel.progressCalls.every((c) => c.cancellable)).toBe(true);
  });

  it('sends a switch to the next model at once, dropping the old pending text', () => {
    const channel = new RecordingReplyChannel();
    const sink = progressSink(channel, 250, timers);
    sink.onProgress(at(a, ''));
    sink.onProgress(at(a, 'partial'));
    sink.onProgress(at(b, ''));
    vi.advanceTimersByTime(1_000);
    expect(channel.progressReplies.map((r) => r.kind === 'text' && r.footer)).toEqual([
      'Model a · answering…',
      'Model b · answering…',
    ]);
  });

  it('drops what is pending on stop (the final reply replaces it)', () => {
    const channel = new RecordingReplyChannel();
    const sink = progressSink(channel, 250, timers);
    sink.onProgress(at(a, ''));
    sink.onProgress(at(a, 'late'));
    sink.stop();
    vi.advanceTimersByTime(1_000);
    expect(channel.progressTexts).toEqual(['…']);
  });
});
