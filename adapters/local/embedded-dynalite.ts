import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import dynalite from 'dynalite';
import { DynalitePortHandler } from './dynalite-port-handler.ts';
import { patchDynaliteStore } from './dynalite-store-patches.ts';

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`: give it to the DynamoDB client. */
  readonly endpoint: string;
  /**
   * With `thread`: the SDK request handler that reaches the thread by message instead of a socket (give it to
   * makeDynamo as `requestHandler`). The socket stays open for other clients.
   */
  readonly requestHandler?: DynalitePortHandler;
  /** With `thread`: how busy the thread's event loop has been (benchmarks: is the store the bottleneck?). */
  readonly eventLoopUtilization?: Worker['performance']['eventLoopUtilization'];
  close(): Promise<void>;
}

export interface EmbeddedDynamoOptions {
  readonly path?: string;
  readonly port?: number;
  /**
   * Runs dynalite in a worker thread of this process (still on 127.0.0.1): its per-request work (HTTP, JSON,
   * validation, LevelDB encoding) then uses a second core instead of competing with the order workflow on the
   * event loop. Roughly 40% of an order's CPU is dynalite's. Default false (one thread, simplest to debug).
   */
  readonly thread?: boolean;
}

/** Tables are ACTIVE at once (no 500 ms CREATING state). */
const TIMINGS = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };

/**
 * A DynamoDB-compatible server in this process, on loopback only. With `path` the data lives on disk (LevelDB)
 * and survives restarts; without it, in memory (tests).
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const settings = { ...(options.path === undefined ? {} : { path: options.path }), ...TIMINGS };
  if (options.thread) {
    if (options.port !== undefined) throw new Error('startEmbeddedDynamo: `port` is not supported with `thread`');
    return startInWorker(settings);
  }
  patchDynaliteStore();
  const server = dynalite(settings);
  // Requests dynalite has read but not answered yet: their writes must land before the database closes (a write after
  // it throws "Database is closed" from dynalite's callback, an uncaught exception in this process). dynalite
  // answers after its writes, so a request is done when it calls `end`, even if its client has hung up meanwhile.
  let inFlight = 0;
  server.prependListener('request', (_request, response) => {
    inFlight += 1;
    const end = response.end.bind(response);
    let ended = false;
    response.end = ((...args: Parameters<typeof end>) => {
      if (!ended) inFlight -= 1;
      ended = true;
      return end(...args);
    }) as typeof response.end;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeIdleConnections();
      const deadline = Date.now() + 5_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

type WorkerReply = { readonly port: number } | { readonly closed: true } | { readonly error: string };

async function startInWorker(settings: Record<string, unknown>): Promise<EmbeddedDynamo> {
  const worker = new Worker(new URL('./dynalite-thread.ts', import.meta.url), { workerData: settings });
  // A thread that ends without answering (or throws: `once` rejects on 'error') must not leave us waiting forever.
  const ended = once(worker, 'exit').then(([code]) => ({ error: `the worker thread ended (exit code ${code})` }));
  const reply = async (): Promise<WorkerReply> => {
    const message = await Promise.race([nextControlMessage(worker), ended]);
    if ('error' in message) throw new Error(`embedded dynalite: ${message.error}`);
    return message;
  };
  const started = await reply().catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (!('port' in started)) throw new Error('embedded dynalite: the worker did not report its port');
  return {
    endpoint: `http://127.0.0.1:${started.port}`,
    requestHandler: new DynalitePortHandler(worker),
    eventLoopUtilization: (...args) => worker.performance.eventLoopUtilization(...args),
    async close() {
      worker.postMessage('close');
      try {
        await reply();
      } finally {
        // The database is closed (LevelDB lock released) once the worker has answered; the thread then ends.
        await ended;
      }
    },
  };
}

/** The thread's next control reply (`{ port }`, `{ closed }`, `{ error }`), past the answers to port requests. */
function nextControlMessage(worker: Worker): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      if ((message as { kind?: unknown }).kind === 'response') return;
      worker.off('message', listener);
      resolve(message as WorkerReply);
    };
    worker.on('message', listener);
  });
}
