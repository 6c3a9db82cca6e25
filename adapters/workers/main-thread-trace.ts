import { channel } from 'node:diagnostics_channel';

/** One stretch of main-thread work done for a worker job (`performance.now()` times). */
export interface MainThreadSpan {
  readonly phase: MainThreadPhase;
  readonly start: number;
  readonly end: number;
}

export type MainThreadPhase = 'worker start' | 'file hand-over' | 'progress' | 'result hand-over' | 'worker end';

/**
 * Where the main thread spends its time for /bench's worker jobs, published on a diagnostics channel so
 * bench:surfaces can name the cause of each event-loop stall. With no subscriber it costs one boolean test.
 */
export const mainThreadSpans = channel('sonicord:bench-worker:main-thread');

/** Runs `work`, publishing how long it took under `phase` when someone listens. */
export function traced<T>(phase: MainThreadPhase, work: () => T): T {
  if (!mainThreadSpans.hasSubscribers) return work();
  const start = performance.now();
  try {
    return work();
  } finally {
    mainThreadSpans.publish({ phase, start, end: performance.now() } satisfies MainThreadSpan);
  }
}
