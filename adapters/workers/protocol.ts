import type { BenchLimits, BenchProgress } from '../../src/app/bench/deps.ts';
import type { ScoreInput, ScoreReport } from '../../src/app/bench/score-file.ts';
import type { AppError, Result } from '../../src/domain/result.ts';
import type { BenchChart } from '../../src/ports/chart-renderer.ts';

/** A file the worker reads through the main thread (which holds the download): its name, size and slot. */
export interface RemoteFile {
  readonly slot: 'file' | 'expectedFile';
  readonly name: string;
  readonly size: number;
  readonly contentType?: string;
}

/** What a worker is started with (`workerData`). */
export type WorkerJob =
  | {
      readonly kind: 'score';
      readonly input: Omit<ScoreInput, 'file' | 'expectedFile'>;
      readonly files: readonly RemoteFile[];
      readonly limits: BenchLimits;
    }
  | { readonly kind: 'chart'; readonly chart: BenchChart; readonly fontPaths: readonly string[] };

/** Worker -> main. */
export type FromWorker =
  | { readonly type: 'pull'; readonly slot: RemoteFile['slot']; readonly stream: number }
  | { readonly type: 'close'; readonly stream: number }
  | { readonly type: 'progress'; readonly progress: BenchProgress }
  | { readonly type: 'scored'; readonly result: Result<ScoreReport> }
  | { readonly type: 'chart'; readonly png: Uint8Array };

/** Main -> worker. */
export type ToWorker =
  | { readonly type: 'chunk'; readonly stream: number; readonly bytes: Uint8Array }
  | { readonly type: 'eof'; readonly stream: number }
  | { readonly type: 'failed'; readonly stream: number; readonly error: AppError | string }
  | { readonly type: 'abort' };
