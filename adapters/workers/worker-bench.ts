import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BenchHooks, BenchLimits } from '../../src/app/bench/deps.ts';
import type { ScoreInput, ScoreReport } from '../../src/app/bench/score-file.ts';
import { appError, err, type Result } from '../../src/domain/result.ts';
import type { BenchChart, ChartRenderer } from '../../src/ports/chart-renderer.ts';
import type { FileSource } from '../../src/ports/file-source.ts';
import { traced } from './main-thread-trace.ts';
import type { FromWorker, RemoteFile, ToWorker, WorkerJob } from './protocol.ts';

const ENTRY = new URL('./bench-worker.ts', import.meta.url);

export interface WorkerBenchOptions {
  /** Jobs running at once; more wait their turn (default: one per core but one, at least 1). */
  readonly maxWorkers?: number;
  /** Each worker's V8 heap (the memory goal: a 1M-row file scores within 300 MB of process RSS). */
  readonly heapMb?: number;
  readonly fontPaths?: readonly string[];
}

/**
 * /bench's CPU work on worker threads, so a million-row file never stalls Discord, Slack, the playground or a
 * voice call on the main thread: score mode (parse + tally) and chart drawing. A fresh worker per job rather than
 * a pool (piscina): each job gets its own heap limit, so a file too big for it ends that worker, not the process,
 * and the memory goes back when the job ends; the ~30 ms start is nothing next to a job worth moving off-thread.
 * The main thread keeps the download (platform URLs and tokens never leave it) and feeds bytes as they are asked.
 */
export class WorkerBench implements ChartRenderer {
  readonly #maxWorkers: number;
  readonly #heapMb: number;
  readonly #fontPaths: readonly string[];
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(options: WorkerBenchOptions = {}) {
    this.#maxWorkers = options.maxWorkers ?? Math.max(1, availableParallelism() - 1);
    this.#heapMb = options.heapMb ?? 160;
    this.#fontPaths = options.fontPaths ?? [];
  }

  /** `scoreFile` with the same contract, in a worker; cancelling the hook's signal returns the partial figures. */
  readonly score = async (input: ScoreInput, hooks: BenchHooks, limits: BenchLimits): Promise<Result<ScoreReport>> => {
    const { file, expectedFile, ...rest } = input;
    const sources = new Map<RemoteFile['slot'], FileSource>([['file', file]]);
    if (expectedFile) sources.set('expectedFile', expectedFile);
    const files = [...sources].map(([slot, f]) => ({
      slot,
      name: f.name,
      size: f.size,
      ...(f.contentType ? { contentType: f.contentType } : {}),
    }));
    const job: WorkerJob = { kind: 'score', input: rest, files, limits };
    const outcome = await this.#run(job, sources, hooks);
    if (outcome.type === 'scored') return outcome.result;
    if (outcome.type === 'failed') return err(outcome.error);
    return err(crashed(new Error('the worker answered with a chart')));
  };

  async render(chart: BenchChart): Promise<Uint8Array> {
    const outcome = await this.#run({ kind: 'chart', chart, fontPaths: this.#fontPaths }, new Map(), undefined);
    if (outcome.type === 'chart') return outcome.png;
    throw new Error(outcome.type === 'failed' ? outcome.error.message : 'the chart worker gave no chart');
  }

  async #run(
    job: WorkerJob,
    sources: ReadonlyMap<RemoteFile['slot'], FileSource>,
    hooks: BenchHooks | undefined,
  ): Promise<
    Extract<FromWorker, { type: 'scored' | 'chart' }> | { type: 'failed'; error: ReturnType<typeof appError> }
  > {
    await this.#turn(hooks?.signal);
    try {
      if (hooks?.signal.aborted) return { type: 'failed', error: cancelled() };
      return await this.#spawn(job, sources, hooks);
    } finally {
      this.#running--;
      this.#queue.shift()?.();
    }
  }

  #turn(signal: AbortSignal | undefined): Promise<void> {
    if (this.#running < this.#maxWorkers) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const go = () => {
        signal?.removeEventListener('abort', skip);
        this.#running++;
        resolve();
      };
      // A job cancelled while waiting leaves the queue at once (it then returns `cancelled` without a worker).
      const skip = () => {
        const at = this.#queue.indexOf(go);
        if (at >= 0) this.#queue.splice(at, 1);
        this.#running++;
        resolve();
      };
      this.#queue.push(go);
      signal?.addEventListener('abort', skip, { once: true });
    });
  }

  #spawn(
    job: WorkerJob,
    sources: ReadonlyMap<RemoteFile['slot'], FileSource>,
    hooks: BenchHooks | undefined,
  ): Promise<
    Extract<FromWorker, { type: 'scored' | 'chart' }> | { type: 'failed'; error: ReturnType<typeof appError> }
  > {
    const worker = traced(
      'worker start',
      () =>
        new Worker(ENTRY, {
          workerData: job,
          resourceLimits: { maxOldGenerationSizeMb: this.#heapMb, maxYoungGenerationSizeMb: 24 },
        }),
    );
    const streams = new Map<number, AsyncIterator<Uint8Array>>();
    const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
    const onAbort = () => post({ type: 'abort' });
    hooks?.signal.addEventListener('abort', onAbort, { once: true });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Parameters<typeof resolve>[0]) => {
        if (settled) return;
        settled = true;
        hooks?.signal.removeEventListener('abort', onAbort);
        traced('worker end', () => {
          for (const stream of streams.values()) void stream.return?.().catch(() => {});
          void worker.terminate();
        });
        resolve(outcome);
      };
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'pull':
            void pump(message.slot, message.stream);
            break;
          case 'close':
            void streams
              .get(message.stream)
              ?.return?.()
              .catch(() => {});
            streams.delete(message.stream);
            break;
          case 'progress':
            traced('progress', () => hooks?.onProgress(message.progress));
            break;
          case 'scored':
          case 'chart':
            traced('result hand-over', () => finish(message));
            break;
        }
      });
      worker.on('error', (error: Error & { code?: string }) => finish({ type: 'failed', error: crashed(error) }));
      worker.on('exit', () => finish({ type: 'failed', error: crashed(new Error('the worker stopped')) }));

      const pump = async (slot: RemoteFile['slot'], stream: number) => {
        try {
          let iterator = streams.get(stream);
          if (!iterator) {
            const source = sources.get(slot);
            if (!source) throw new Error(`no ${slot} in this job`);
            iterator = source.open(hooks?.signal)[Symbol.asyncIterator]();
            streams.set(stream, iterator);
          }
          const reading = iterator;
          const next = await traced('file hand-over', () => reading.next());
          if (settled) return;
          if (next.done) return post({ type: 'eof', stream });
          traced('file hand-over', () => {
            // A copy the worker owns: chunks are often views into memory their producer keeps (Node's Buffer pool,
            // a socket's read buffer), and Buffer#slice is a view, so `new Uint8Array(chunk)` (a 64 KB memcpy).
            const bytes = new Uint8Array(next.value);
            post({ type: 'chunk', stream, bytes }, [bytes.buffer as ArrayBuffer]);
          });
        } catch (error) {
          if (settled) return;
          post({ type: 'failed', stream, error: error instanceof Error ? error.message : String(error) });
        }
      };
    });
  }
}

const cancelled = () => appError('bench.cancelled', 'Cancelled before the file was read.');

function crashed(error: Error & { code?: string }) {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return appError(
      'bench.too_big',
      'The file needs more memory than a bench job may use.',
      'Split it into smaller files, or save it as CSV (it needs less memory than XLSX).',
    );
  }
  return appError('bench.worker_failed', `The bench job stopped unexpectedly (${error.message}).`, 'Try again.');
}
