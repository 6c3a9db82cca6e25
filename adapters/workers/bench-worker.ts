/**
 * The worker thread's side of /bench's CPU work: parsing and scoring a file (score mode) or drawing a chart. The
 * file's bytes come from the main thread, which keeps the platform download, one chunk per `pull`.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { BenchDeps } from '../../src/app/bench/deps.ts';
import { scoreFile } from '../../src/app/bench/score-file.ts';
import type { ModelCatalog } from '../../src/domain/models/catalog.ts';
import type { FileSource } from '../../src/ports/file-source.ts';
import type { TextModel } from '../../src/ports/text-model.ts';
import { CanvasChartRenderer } from '../charts/canvas-chart-renderer.ts';
import { FileTableSource } from '../files/file-table-source.ts';
import type { FromWorker, RemoteFile, ToWorker, WorkerJob } from './protocol.ts';

// On Linux a thread has its own nice value: this one yields the CPU to the main thread, whose event loop carries
// voice frames and interaction acknowledgements. 19, the lowest: at nice 10 the main thread still waited for a core
// up to 13 ms while a 1M-row score ran on 2 cores (bench:surfaces); an idle core still goes to the worker at once.
// (Elsewhere the call would lower the whole process: skipped.)
if (process.platform === 'linux') {
  try {
    setPriority(19);
  } catch {
    // Not allowed here (a container without the capability to change priority): run at normal priority.
  }
}

const port = parentPort;
if (!port) throw new Error('bench-worker.ts runs as a worker thread');
const job = workerData as WorkerJob;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const aborter = new AbortController();
const waiting = new Map<number, (message: ToWorker) => void>();
port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') aborter.abort(new Error('cancelled'));
  else waiting.get(message.stream)?.(message);
});

let streams = 0;
/** A file whose bytes are pulled from the main thread chunk by chunk (so reading never runs ahead of parsing). */
function remoteFile(file: RemoteFile): FileSource {
  return {
    name: file.name,
    size: file.size,
    ...(file.contentType ? { contentType: file.contentType } : {}),
    async *open() {
      const stream = ++streams;
      try {
        for (;;) {
          const next = new Promise<ToWorker>((resolve) => waiting.set(stream, resolve));
          send({ type: 'pull', slot: file.slot, stream });
          const message = await next;
          if (message.type === 'eof') return;
          if (message.type === 'failed')
            throw typeof message.error === 'string' ? new Error(message.error) : message.error;
          if (message.type === 'chunk') yield message.bytes;
        }
      } finally {
        waiting.delete(stream);
        send({ type: 'close', stream });
      }
    },
  };
}

const unused = (): never => {
  throw new Error('score mode calls no model');
};

if (job.kind === 'score') {
  const file = job.files.find((f) => f.slot === 'file');
  const expectedFile = job.files.find((f) => f.slot === 'expectedFile');
  if (!file) throw new Error('a score job needs its file');
  const deps: BenchDeps = {
    tables: new FileTableSource(),
    charts: { render: unused },
    textModel: { generate: unused, countTokens: unused } as TextModel,
    catalog: {} as ModelCatalog,
    limits: job.limits,
    clock: () => performance.now(),
    sleep: () => Promise.resolve(),
  };
  const result = await scoreFile(
    deps,
    { ...job.input, file: remoteFile(file), ...(expectedFile ? { expectedFile: remoteFile(expectedFile) } : {}) },
    { signal: aborter.signal, onProgress: (progress) => send({ type: 'progress', progress }) },
  );
  send({ type: 'scored', result }, result.ok ? [result.value.resultsCsv.buffer as ArrayBuffer] : []);
} else {
  const png = await new CanvasChartRenderer({ fontPaths: job.fontPaths }).render(job.chart);
  send({ type: 'chart', png }, [png.buffer as ArrayBuffer]);
}
port.close();
