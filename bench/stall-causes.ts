/**
 * Names the cause of each event-loop stall for bench:surfaces. A 1 ms probe timer records every late tick; each
 * stall is matched against what ran inside it: main-thread spans the worker adapter publishes (worker start, file
 * hand-over, result hand-over, ...), spans the bench marks itself (reply assembly, keeping the result, rendering
 * for Discord), and V8's garbage collections (PerformanceObserver 'gc'). What no span covers is put down to the
 * bench phase in progress ("other during ...": native work such as message deserialization, or another process
 * taking the CPU on a loaded machine). Each stall also records how much of it this thread was on the CPU
 * (`process.threadCpuUsage`): a stall that is mostly off-CPU is the machine's load, not our code.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { PerformanceObserver } from 'node:perf_hooks';
import { type MainThreadSpan, mainThreadSpans } from '../adapters/workers/main-thread-trace.ts';

interface Span {
  readonly phase: string;
  readonly start: number;
  readonly end: number;
}

export interface Stall {
  readonly at: number;
  readonly ms: number;
  /** How much of the stall the main thread spent on the CPU (the rest it waited for one). */
  readonly cpuMs: number;
  /** Causes and the milliseconds of the stall each covers, largest first. */
  readonly causes: readonly { readonly cause: string; readonly ms: number }[];
}

const GC_KINDS: Record<number, string> = {
  1: 'gc (scavenge)',
  2: 'gc (mark-compact)',
  4: 'gc (incremental)',
  8: 'gc (weak)',
};

export class StallCauses {
  readonly #spans: Span[] = [];
  readonly #stalls: { from: number; to: number; phase: string; cpuMs: number }[] = [];
  #phase = 'start';
  #last = performance.now();
  #lastCpu = cpuNow();
  readonly #timer: NodeJS.Timeout;
  readonly #gc: PerformanceObserver;
  readonly #onSpan = (message: unknown) => this.#spans.push(message as MainThreadSpan);

  /** Stalls longer than `minMs` (beyond the probe's own 1 ms period) are kept. */
  readonly minMs: number;

  constructor(minMs = 2) {
    this.minMs = minMs;
    subscribe(mainThreadSpans.name, this.#onSpan);
    this.#gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
        this.#spans.push({ phase: GC_KINDS[kind] ?? 'gc', start: e.startTime, end: e.startTime + e.duration });
      }
    });
    this.#gc.observe({ entryTypes: ['gc'] });
    this.#timer = setInterval(() => {
      const now = performance.now();
      const cpu = cpuNow();
      if (now - this.#last - 1 > this.minMs) {
        this.#stalls.push({ from: this.#last, to: now, phase: this.#phase, cpuMs: cpu - this.#lastCpu });
      }
      this.#last = now;
      this.#lastCpu = cpu;
    }, 1);
  }

  /** The bench's coarse phase, named in "other during ..." for what no span covers. */
  phase(name: string): void {
    this.#phase = name;
  }

  /** Runs synchronous `work` as a named span. */
  span<T>(phase: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.#spans.push({ phase, start, end: performance.now() });
    }
  }

  stop(): Stall[] {
    clearInterval(this.#timer);
    this.#gc.disconnect();
    unsubscribe(mainThreadSpans.name, this.#onSpan);
    return this.#stalls.map(({ from, to, phase, cpuMs }) => {
      const ms = to - from - 1;
      const covered = new Map<string, number>();
      let named = 0;
      for (const s of this.#spans) {
        const overlap = Math.min(to, s.end) - Math.max(from, s.start);
        if (overlap <= 0.05) continue;
        covered.set(s.phase, (covered.get(s.phase) ?? 0) + overlap);
        // GC inside a span is counted in both: the larger of the two says what was left uncovered.
        named = Math.max(named, covered.get(s.phase) ?? 0);
      }
      const rest = ms - named;
      if (rest > 0.5) covered.set(`other during ${phase}`, rest);
      const causes = [...covered].map(([cause, c]) => ({ cause, ms: c })).sort((a, b) => b.ms - a.ms);
      return { at: from, ms, cpuMs: Math.min(ms, cpuMs), causes };
    });
  }
}

/** This thread's CPU time in ms (user + system). */
function cpuNow(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

/** The longest stretch the main thread itself was busy (on the CPU) without yielding: our code's share of stalls. */
export const maxOnCpu = (stalls: readonly Stall[]): number => Math.max(0, ...stalls.map((s) => s.cpuMs));

const BUCKETS = [2, 5, 10, 20, 50, Number.POSITIVE_INFINITY];

/** A histogram of stall lengths, then the main cause of every stall over `worstOverMs` (most first). */
export function describeStalls(stalls: readonly Stall[], worstOverMs = 5): string[] {
  const lines: string[] = [];
  const counts = BUCKETS.map(() => 0);
  for (const s of stalls) {
    const i = BUCKETS.findIndex((b) => s.ms <= b);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const label = (i: number) =>
    i === BUCKETS.length - 1 ? `>${BUCKETS[i - 1]}` : `${i === 0 ? 1 : BUCKETS[i - 1]}-${BUCKETS[i]}`;
  lines.push(`  stalls (ms: count)  ${counts.map((c, i) => `${label(i)}: ${c}`).join(' · ')}`);
  const byCause = new Map<string, { n: number; max: number }>();
  for (const s of stalls.filter((x) => x.ms > worstOverMs)) {
    const main = s.causes[0]?.cause ?? 'unknown';
    const seen = byCause.get(main) ?? { n: 0, max: 0 };
    byCause.set(main, { n: seen.n + 1, max: Math.max(seen.max, s.ms) });
  }
  const ranked = [...byCause].sort((a, b) => b[1].max - a[1].max);
  if (ranked.length === 0) lines.push(`  stalls > ${worstOverMs} ms     none`);
  for (const [cause, { n, max }] of ranked) {
    lines.push(
      `  stalls > ${worstOverMs} ms     ${String(n).padStart(3)} × mainly ${cause} (longest ${max.toFixed(1)} ms)`,
    );
  }
  const worst = [...stalls].sort((a, b) => b.ms - a.ms)[0];
  if (worst) {
    const parts = worst.causes.map((c) => `${c.cause} ${c.ms.toFixed(1)}`).join(', ');
    lines.push(`  longest stall       ${worst.ms.toFixed(1)} ms (on the CPU ${worst.cpuMs.toFixed(1)} ms): ${parts}`);
  }
  const busiest = [...stalls].sort((a, b) => b.cpuMs - a.cpuMs)[0];
  if (busiest && busiest !== worst) {
    const parts = busiest.causes.map((c) => `${c.cause} ${c.ms.toFixed(1)}`).join(', ');
    lines.push(
      `  busiest stall       ${busiest.ms.toFixed(1)} ms (on the CPU ${busiest.cpuMs.toFixed(1)} ms): ${parts}`,
    );
  }
  return lines;
}
