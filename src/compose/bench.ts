import { join } from 'node:path';
import { FileTableSource } from '../../adapters/files/file-table-source.ts';
import { FileAnswerCache } from '../../adapters/local/file-answer-cache.ts';
import { WorkerBench } from '../../adapters/workers/worker-bench.ts';
import type { AskDeps } from '../app/ask/deps.ts';
import { type BenchDeps, defaultBenchLimits } from '../app/bench/deps.ts';
import type { Env } from '../config.ts';
import { composeBenchBatch } from './bench-batch.ts';

/** /bench: streaming CSV/XLSX reading, PNG charts, and the same text model and catalog as /ask. */
export function composeBench(env: Env, ask: AskDeps, awsCredentialsConfigured = false): BenchDeps {
  const batch = composeBenchBatch(env, awsCredentialsConfigured);
  // Score mode and charts run on worker threads: a million-row file must not stall voice or other commands.
  const workers = new WorkerBench(env.BENCH_CHART_FONT ? { fontPaths: [env.BENCH_CHART_FONT] } : {});
  warmUpFormatting();
  return {
    tables: new FileTableSource(),
    charts: workers,
    offload: workers,
    textModel: ask.textModel,
    catalog: ask.catalog,
    answers: new FileAnswerCache(join(env.DATA_DIR, 'bench-cache')),
    ...(batch ? { batch } : {}),
    limits: {
      ...defaultBenchLimits,
      maxBytes: env.BENCH_MAX_BYTES,
      maxConcurrency: env.BENCH_MAX_CONCURRENCY,
      rowTimeoutMs: env.BENCH_ROW_TIMEOUT_MS,
      maxRunRows: env.BENCH_MAX_RUN_ROWS,
      resultRows: env.BENCH_RESULT_ROWS,
      maxAttempts: env.BENCH_MAX_ATTEMPTS,
      backoffMs: env.BENCH_BACKOFF_MS,
    },
    clock: () => performance.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      }),
  };
}

/**
 * Loads ICU's number and date formats now, at startup: their first use costs about 25 ms, which would otherwise
 * stall the event loop (voice frames, other commands) in the middle of the first /bench reply.
 */
export function warmUpFormatting(): void {
  (1234.5).toLocaleString('en');
  new Date(0).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
