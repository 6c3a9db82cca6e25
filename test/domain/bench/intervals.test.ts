import { describe, expect, it } from 'vitest';
import {
  binomial,
  bootstrapRows,
  mcnemarExact,
  resampleCounts,
  seededRandom,
  wilson,
} from '../../../src/domain/bench/intervals.ts';
import { macroF1Interval, macroF1Of } from '../../../src/domain/bench/score-intervals.ts';

/*
 * Reference values computed with scipy 1.17.1 (Python), recorded here:
 *   from scipy.stats import binomtest
 *   binomtest(k, n).proportion_ci(method='wilson')   # Wilson
 *   binomtest(b, b + c, 0.5).pvalue                   # McNemar exact
 */
const WILSON: readonly [number, number, number, number][] = [
  [0, 10, 0, 0.27753279986288926],
  [3, 10, 0.10779126740630102, 0.6032218525388546],
  [82, 100, 0.7333264161369927, 0.8829977450105365],
  [164, 200, 0.7608852497127511, 0.8670537414057983],
  [158, 200, 0.7283538314009753, 0.84071587930021],
  [999, 1000, 0.9943574414020421, 0.9998234536293739],
  [50, 50, 0.9286524008666412, 1],
];
const MCNEMAR: readonly [number, number, number][] = [
  [0, 0, 1],
  [3, 9, 0.14599609375],
  [10, 25, 0.016673847800120715],
  [1, 0, 1],
  [12, 12, 1],
  [40, 70, 0.005447429511444476],
  [200, 260, 0.0058839224731039984],
];

describe('wilson', () => {
  it.each(WILSON)('%i of %i matches scipy', (k, n, low, high) => {
    const ci = wilson(k, n);
    expect(ci.low).toBeCloseTo(low, 12);
    expect(ci.high).toBeCloseTo(high, 12);
  });
  it('is the whole range for no trials', () => expect(wilson(0, 0)).toEqual({ low: 0, high: 1 }));
});

describe('mcnemarExact', () => {
  it.each(MCNEMAR)('b=%i c=%i matches scipy', (b, c, p) => expect(mcnemarExact(b, c)).toBeCloseTo(p, 12));
  it('is symmetric and stays finite for large counts', () => {
    expect(mcnemarExact(9, 3)).toBeCloseTo(mcnemarExact(3, 9), 14);
    const p = mcnemarExact(50_000, 51_000);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.01);
  });
});

describe('bootstrap', () => {
  it('macro-F1 interval of a 3-class matrix agrees with scipy.stats.bootstrap (percentile, paired rows)', () => {
    // scipy: bootstrap((expected, predicted), macro_f1, paired=True, n_resamples=5000, method='percentile')
    //   -> (0.72813, 0.86001); point estimate 0.7981870074042062
    const matrix = {
      labels: ['a', 'b', 'c'],
      counts: [
        [50, 6, 4],
        [8, 40, 2],
        [5, 5, 30],
      ],
    };
    expect(macroF1Of(matrix.counts)).toBeCloseTo(0.7981870074042062, 12);
    const ci = macroF1Interval(matrix);
    expect(ci.low).toBeGreaterThan(0.7281 - 0.012);
    expect(ci.low).toBeLessThan(0.7281 + 0.012);
    expect(ci.high).toBeGreaterThan(0.86 - 0.012);
    expect(ci.high).toBeLessThan(0.86 + 0.012);
    // Seeded by the data: the same matrix always gives the same interval.
    expect(macroF1Interval(matrix)).toEqual(ci);
  });

  it('multinomial resamples keep the total and follow the cell shares', () => {
    const random = seededRandom(7);
    const counts = [700_000, 200_000, 99_000, 1_000];
    const sums = [0, 0, 0, 0];
    for (let r = 0; r < 200; r++) {
      const drawn = resampleCounts(counts, random);
      expect(drawn.reduce((a, b) => a + b, 0)).toBe(1_000_000);
      drawn.forEach((d, i) => {
        sums[i] = (sums[i] ?? 0) + d;
      });
    }
    for (const [i, s] of sums.entries()) expect(s / 200 / (counts[i] ?? 1)).toBeCloseTo(1, 1);
  });

  it('small binomial draws have the right mean', () => {
    const random = seededRandom(3);
    let total = 0;
    for (let r = 0; r < 20_000; r++) total += binomial(10, 0.3, random);
    expect(total / 20_000).toBeCloseTo(3, 1);
  });

  it('covers a known mean about 95 % of the time', () => {
    // 200 samples of Bernoulli(0.7), 100 times: the percentile interval of the mean should miss ~5 times.
    const random = seededRandom(11);
    let misses = 0;
    for (let t = 0; t < 100; t++) {
      const xs = Array.from({ length: 200 }, () => (random() < 0.7 ? 1 : 0));
      const ci = bootstrapRows(
        xs.length,
        (ix) => {
          let s = 0;
          for (const i of ix) s += xs[i] ?? 0;
          return s / ix.length;
        },
        { replicates: 500, seed: t },
      );
      if (ci.low > 0.7 || ci.high < 0.7) misses++;
    }
    expect(misses).toBeLessThanOrEqual(12);
  });
});
