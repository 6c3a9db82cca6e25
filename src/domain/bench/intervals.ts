/**
 * Uncertainty for /bench figures: Wilson intervals for proportions, percentile bootstrap (seeded, so the same
 * data always gives the same interval) for everything else, and McNemar's exact test for paired pass/fail.
 * Reference values for the tests come from scipy (see test/domain/bench/intervals.test.ts).
 */

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for k successes in n trials (scipy's `binomtest(k, n).proportion_ci(method='wilson')`). */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * McNemar's exact test on the discordant pairs: `b` rows only the first model passed, `c` rows only the second.
 * Two-sided p-value of the binomial test of b against Binomial(b + c, 1/2) (scipy's `binomtest(b, b+c).pvalue`).
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so n in the millions stays exact enough.
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail - (b === c ? Math.exp(logChoose(n, k) - n * Math.LN2) : 0));
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same bootstrap, run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from numbers (the data), so one file always gets one interval. FNV-1a over their decimal text. */
export function seedOf(values: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const ch of values.join(',')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** The q-quantile (0..1) of sorted values, linear between ranks (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (at - lo);
}

/** 95 % percentile interval of bootstrap replicates. */
export function percentileInterval(replicates: number[]): Interval {
  replicates.sort((x, y) => x - y);
  return { low: quantile(replicates, 0.025), high: quantile(replicates, 0.975) };
}

/**
 * Percentile bootstrap of a statistic over rows: `stat` gets row indices drawn with replacement.
 * Used for means of per-row scores (repeats, promptfoo thresholds) and for paired differences.
 */
export function bootstrapRows(
  n: number,
  stat: (indices: Uint32Array) => number,
  { replicates = 2000, seed = n }: { replicates?: number; seed?: number } = {},
): Interval {
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const random = seededRandom(seed);
  const indices = new Uint32Array(n);
  const out: number[] = [];
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    out.push(stat(indices));
  }
  return percentileInterval(out);
}

/**
 * One multinomial resample of `counts` (n = their sum) by conditional binomials: what drawing n rows with
 * replacement from a table of counts gives, without touching n rows (a 1M-row confusion matrix resamples in µs).
 */
export function resampleCounts(counts: readonly number[], random: () => number): number[] {
  let left = counts.reduce((a, b) => a + b, 0);
  let mass = left;
  return counts.map((count) => {
    if (left <= 0 || mass <= 0) return 0;
    const p = Math.min(1, count / mass);
    const drawn = binomial(left, p, random);
    left -= drawn;
    mass -= count;
    return drawn;
  });
}

/** A Binomial(n, p) draw: exact by inversion for small means, a rounded normal approximation when npq >= 25. */
export function binomial(n: number, p: number, random: () => number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  const variance = n * p * (1 - p);
  if (variance >= 25) {
    const draw = Math.round(n * p + Math.sqrt(variance) * normal(random));
    return Math.min(n, Math.max(0, draw));
  }
  // Inversion on the smaller side keeps the loop short.
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  let x = 0;
  let prob = (1 - q) ** n;
  let cdf = prob;
  const u = random();
  while (u > cdf && x < n) {
    prob *= ((n - x) / (x + 1)) * (q / (1 - q));
    cdf += prob;
    x++;
  }
  return flip ? n - x : x;
}

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  if (n < 10_000) {
    for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = (logFactorials[i - 1] ?? 0) + Math.log(i);
    return logFactorials[n] ?? 0;
  }
  // Stirling's series: exact to ~1e-13 relative at this size.
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

const logChoose = (n: number, k: number): number => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
