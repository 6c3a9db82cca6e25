import type { ConfusionMatrix } from '../domain/bench/metrics.ts';

/** Draws the bench charts as PNG images. */
export interface ChartRenderer {
  render(chart: BenchChart): Promise<Uint8Array>;
}

export type BenchChart =
  | {
      readonly kind: 'score';
      readonly title: string;
      readonly matrix: ConfusionMatrix;
      readonly classes: readonly {
        readonly label: string;
        readonly precision: number;
        readonly recall: number;
        readonly f1: number;
      }[];
    }
  | { readonly kind: 'run'; readonly title: string; readonly models: readonly ChartModelPoint[] };

export interface ChartModelPoint {
  readonly name: string;
  readonly accuracy: number;
  /** Accuracy's 95 % interval, drawn as an error bar. */
  readonly accuracyCi?: { readonly low: number; readonly high: number };
  readonly costUsd: number;
  /** Latencies in ms of the model's calls (the renderer draws their spread). */
  readonly latenciesMs: readonly number[];
}
