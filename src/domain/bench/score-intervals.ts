import { type Interval, percentileInterval, resampleCounts, seededRandom, seedOf, wilson } from './intervals.ts';
import type { ConfusionMatrix } from './metrics.ts';

/** Macro-F1 of a confusion matrix (`counts[expected][predicted]`), absent classes scoring 0 as scikit-learn does. */
export function macroF1Of(counts: readonly (readonly number[])[]): number {
  const k = counts.length;
  if (k === 0) return 0;
  let total = 0;
  for (let i = 0; i < k; i++) {
    const row = counts[i] ?? [];
    const tp = row[i] ?? 0;
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += row[j] ?? 0;
      predicted += counts[j]?.[i] ?? 0;
    }
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    total += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return total / k;
}

/**
 * 95 % interval of macro-F1 by the percentile bootstrap over rows. Resampling n rows with replacement is a
 * multinomial draw over the matrix's cells, so it costs the same for 100 rows as for 1,000,000.
 */
export function macroF1Interval(matrix: ConfusionMatrix, replicates = 2000): Interval {
  const k = matrix.labels.length;
  const flat = matrix.counts.flatMap((row) => [...row]);
  const random = seededRandom(seedOf(flat));
  const out: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const drawn = resampleCounts(flat, random);
    const counts = Array.from({ length: k }, (_, i) => drawn.slice(i * k, i * k + k));
    out.push(macroF1Of(counts));
  }
  return percentileInterval(out);
}

/** Accuracy's 95 % Wilson interval. */
export const accuracyInterval = (correct: number, scored: number): Interval => wilson(correct, scored);
