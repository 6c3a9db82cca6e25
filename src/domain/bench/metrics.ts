import type { TallyCounts } from './tally.ts';

export interface ClassMetrics {
  readonly label: string;
  /** Rows whose expected value is this class. */
  readonly support: number;
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ConfusionMatrix {
  /** Row and column labels, the same order on both axes. */
  readonly labels: readonly string[];
  /** `counts[expected][predicted]`. */
  readonly counts: readonly (readonly number[])[];
}

export interface ScoreMetrics {
  readonly total: number;
  readonly scored: number;
  readonly correct: number;
  readonly blank: number;
  readonly unmatched: number;
  readonly accuracy: number;
  /** Per-class figures and the matrix; absent when there were too many distinct labels. */
  readonly classes?: readonly ClassMetrics[];
  readonly macroF1?: number;
  readonly matrix?: ConfusionMatrix;
}

/**
 * Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix, as scikit-learn computes them:
 * labels are those seen in either column, and an undefined ratio (no predictions of a class) counts as 0.
 * `order` puts known classes (from a label mapping) first, in the user's order.
 */
export function computeMetrics(counts: TallyCounts, order: readonly string[] = []): ScoreMetrics {
  const base = {
    total: counts.total,
    scored: counts.scored,
    correct: counts.correct,
    blank: counts.blank,
    unmatched: counts.unmatched,
    accuracy: counts.scored === 0 ? 0 : counts.correct / counts.scored,
  };
  if (!counts.pairs || counts.scored === 0) return base;
  const labels = orderLabels(counts.pairs, order);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const [expected, row] of counts.pairs) {
    const r = matrix[index.get(expected) ?? 0];
    if (!r) continue;
    for (const [predicted, n] of row) r[index.get(predicted) ?? 0] = n;
  }
  const classes = labels.map((label, i) => {
    const tp = matrix[i]?.[i] ?? 0;
    const support = sum(matrix[i] ?? []);
    const predicted = sum(matrix.map((r) => r[i] ?? 0));
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, support, predicted, precision, recall, f1 };
  });
  const macroF1 = sum(classes.map((c) => c.f1)) / classes.length;
  return { ...base, classes, macroF1, matrix: { labels, counts: matrix } };
}

function orderLabels(pairs: ReadonlyMap<string, ReadonlyMap<string, number>>, order: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const [expected, row] of pairs) {
    seen.add(expected);
    for (const predicted of row.keys()) seen.add(predicted);
  }
  const known = order.filter((l) => seen.has(l));
  const rest = [...seen].filter((l) => !known.includes(l)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return [...known, ...rest];
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
