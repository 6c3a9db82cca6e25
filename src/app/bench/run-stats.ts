import {
  bootstrapRows,
  type Interval,
  mcnemarExact,
  percentileInterval,
  resampleCounts,
  seededRandom,
  seedOf,
  wilson,
} from '../../domain/bench/intervals.ts';

/** One model's graded attempts at one row: how many of its repeats passed. */
export interface RowTally {
  passed: number;
  graded: number;
}

/** Per model: row number -> its graded attempts. */
export type RowOutcomes = ReadonlyMap<number, RowTally>;

export interface AccuracyFigures {
  /** pass@1: the share of graded attempts that passed (the mean of per-row pass rates when rows repeat). */
  readonly accuracy: number;
  readonly ci: Interval;
  /** Rows with at least one graded attempt. */
  readonly rows: number;
  /** With repeats: the share of rows whose every attempt passed (pass^N), with its Wilson interval. */
  readonly passAll?: { readonly rate: number; readonly ci: Interval };
  /** Rows whose attempts disagree (some passed, some failed). */
  readonly flakyRows: readonly number[];
}

/**
 * Accuracy with a 95 % interval. One attempt per row: the Wilson interval of a proportion. Repeats are clustered
 * by row (the attempts at one prompt are not independent), so the interval is a bootstrap over rows of the per-row
 * pass rates, as Inspect's clustered standard errors do.
 */
export function accuracyFigures(outcomes: RowOutcomes, repeat: number): AccuracyFigures {
  const tallies = [...outcomes.values()].filter((t) => t.graded > 0);
  const flakyRows = [...outcomes].filter(([, t]) => t.passed > 0 && t.passed < t.graded).map(([row]) => row);
  if (repeat <= 1) {
    const passed = tallies.reduce((n, t) => n + t.passed, 0);
    const graded = tallies.reduce((n, t) => n + t.graded, 0);
    return {
      accuracy: graded === 0 ? 0 : passed / graded,
      ci: wilson(passed, graded),
      rows: tallies.length,
      flakyRows,
    };
  }
  const rates = tallies.map((t) => t.passed / t.graded);
  const mean = rates.length === 0 ? 0 : rates.reduce((a, b) => a + b, 0) / rates.length;
  const allPassed = tallies.filter((t) => t.passed === t.graded).length;
  return {
    accuracy: mean,
    ci: meanInterval(rates),
    rows: tallies.length,
    passAll: { rate: tallies.length === 0 ? 0 : allPassed / tallies.length, ci: wilson(allPassed, tallies.length) },
    flakyRows,
  };
}

/** Two models on the same rows: the difference in points (first minus second) and whether it is real. */
export interface Comparison {
  readonly first: string;
  readonly second: string;
  /** Rows both models graded. */
  readonly rows: number;
  /** Difference in accuracy, first minus second, as a fraction. */
  readonly diff: number;
  readonly ci: Interval;
  /** McNemar's exact p-value (one attempt per row); absent for repeats (the bootstrap interval decides). */
  readonly pValue?: number;
  readonly test: 'McNemar' | 'paired bootstrap';
  readonly significant: boolean;
}

/**
 * Paired comparison of two models on the rows both graded. One attempt per row: McNemar's exact test on the
 * discordant rows, with a paired bootstrap interval of the difference (multinomial over the four pass/fail cells).
 * With repeats: a paired bootstrap over rows of the per-row pass-rate difference. "Significant" needs the interval
 * to exclude 0 (and, for McNemar, p < 0.05), so the sentence and the figures never disagree.
 */
export function compareModels(
  first: { name: string; outcomes: RowOutcomes },
  second: { name: string; outcomes: RowOutcomes },
  repeat: number,
): Comparison {
  const pairs: [number, number][] = [];
  for (const [row, a] of first.outcomes) {
    const b = second.outcomes.get(row);
    if (a.graded > 0 && b && b.graded > 0) pairs.push([a.passed / a.graded, b.passed / b.graded]);
  }
  const n = pairs.length;
  const diff = n === 0 ? 0 : pairs.reduce((s, [a, b]) => s + a - b, 0) / n;
  const base = { first: first.name, second: second.name, rows: n, diff };
  if (repeat <= 1) {
    const cells = [0, 0, 0, 0]; // both pass, only first, only second, neither
    for (const [a, b] of pairs) {
      const cell = a === 1 ? (b === 1 ? 0 : 1) : b === 1 ? 2 : 3;
      cells[cell] = (cells[cell] ?? 0) + 1;
    }
    const [, onlyFirst = 0, onlySecond = 0] = cells;
    const pValue = mcnemarExact(onlyFirst, onlySecond);
    const ci = pairedCountsInterval(cells);
    return { ...base, ci, pValue, test: 'McNemar', significant: pValue < 0.05 && excludesZero(ci) };
  }
  const diffs = pairs.map(([a, b]) => a - b);
  const ci = meanInterval(diffs);
  return { ...base, ci, test: 'paired bootstrap', significant: excludesZero(ci) };
}

const excludesZero = (ci: Interval): boolean => ci.low > 0 || ci.high < 0;

/** Bootstrap interval of the paired difference from the four cell counts: O(replicates), whatever the rows. */
function pairedCountsInterval(cells: readonly number[]): Interval {
  const n = cells.reduce((a, b) => a + b, 0);
  if (n === 0) return { low: 0, high: 0 };
  const random = seededRandom(seedOf(cells));
  const out: number[] = [];
  for (let r = 0; r < 2000; r++) {
    const [, onlyFirst = 0, onlySecond = 0] = resampleCounts(cells, random);
    out.push((onlyFirst - onlySecond) / n);
  }
  return percentileInterval(out);
}

/** Percentile bootstrap of a mean; fewer replicates for very long inputs keep it under ~20M steps. */
export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { low: 0, high: 0 };
  const replicates = Math.max(200, Math.min(2000, Math.floor(20_000_000 / n)));
  const seed = seedOf([n, ...values.slice(0, 64).map((v) => Math.round(v * 1e6))]);
  return bootstrapRows(
    n,
    (ix) => {
      let s = 0;
      for (const i of ix) s += values[i] ?? 0;
      return s / n;
    },
    { replicates, seed },
  );
}

/** The plain sentence for a comparison, e.g. "claude beats nova by 3.1 points (95% CI 0.4–5.8; McNemar p = 0.02)". */
export function comparisonSentence(c: Comparison): string {
  const points = (x: number) => `${x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)}`;
  const p = c.pValue === undefined ? '' : `; McNemar p = ${formatP(c.pValue)}`;
  if (c.rows === 0) return `${c.first} vs ${c.second}: no rows graded by both.`;
  if (!c.significant) {
    return `${c.first} vs ${c.second}: no significant difference (${signed(c.diff)} points, 95% CI ${points(c.ci.low)} to ${points(c.ci.high)}${p}; ${c.rows} rows).`;
  }
  const [winner, loser, d, lo, hi] =
    c.diff >= 0
      ? [c.first, c.second, c.diff, c.ci.low, c.ci.high]
      : [c.second, c.first, -c.diff, -c.ci.high, -c.ci.low];
  return `${winner} beats ${loser} by ${points(d)} points (95% CI ${points(lo)}–${points(hi)}${p}; ${c.rows} rows).`;
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
const formatP = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(p < 0.01 ? 3 : 2));
