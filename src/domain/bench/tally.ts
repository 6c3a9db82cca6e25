/**
 * Counts outcomes row by row without keeping rows: memory depends on the number of distinct labels, not on the
 * number of rows. Past `maxLabels` distinct labels (free-text answers) the confusion matrix is dropped and only
 * accuracy is kept.
 */
export interface TallyCounts {
  readonly total: number;
  readonly scored: number;
  readonly correct: number;
  readonly blank: number;
  readonly unmatched: number;
  /** `expected -> predicted -> count`; undefined when there were too many labels for a matrix. */
  readonly pairs: ReadonlyMap<string, ReadonlyMap<string, number>> | undefined;
}

export class Tally {
  readonly #maxLabels: number;
  #pairs: Map<string, Map<string, number>> | undefined = new Map();
  #labels = new Set<string>();
  total = 0;
  scored = 0;
  correct = 0;
  blank = 0;
  unmatched = 0;

  constructor(maxLabels = 200) {
    this.#maxLabels = maxLabels;
  }

  /** A row where one side is empty: counted, not scored. */
  addBlank(): void {
    this.total++;
    this.blank++;
  }

  /** A row whose value the label mapping does not know: counted, not scored. */
  addUnmatched(): void {
    this.total++;
    this.unmatched++;
  }

  /** A scored row. `isCorrect` is passed in because graders other than equality decide it. */
  add(expected: string, predicted: string, isCorrect: boolean): void {
    this.total++;
    this.scored++;
    if (isCorrect) this.correct++;
    const pairs = this.#pairs;
    if (!pairs) return;
    let row = pairs.get(expected);
    if (!row) {
      row = new Map();
      pairs.set(expected, row);
      this.#see(expected);
    }
    const n = row.get(predicted);
    if (n === undefined) {
      row.set(predicted, 1);
      this.#see(predicted);
    } else {
      row.set(predicted, n + 1);
    }
  }

  get accuracy(): number {
    return this.scored === 0 ? 0 : this.correct / this.scored;
  }

  counts(): TallyCounts {
    const { total, scored, correct, blank, unmatched } = this;
    return { total, scored, correct, blank, unmatched, pairs: this.#pairs };
  }

  #see(label: string): void {
    if (this.#labels.has(label)) return;
    this.#labels.add(label);
    if (this.#labels.size > this.#maxLabels) {
      this.#pairs = undefined;
      this.#labels = new Set();
    }
  }
}
