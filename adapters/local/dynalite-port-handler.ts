import type { Worker } from 'node:worker_threads';
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';

/** One DynamoDB request as it crosses to the dynalite thread: what dynalite's HTTP handler reads of a request. */
export interface PortRequest {
  readonly kind: 'request';
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The serialized JSON as the SDK made it (bytes in SDK v3.11xx+; a string from older serializers). */
  readonly body: string | Uint8Array;
}

/** Its answer: status, headers and the JSON body dynalite wrote. */
export interface PortResponse {
  readonly kind: 'response';
  readonly id: number;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const encoder = new TextEncoder();

/**
 * The SDK's request handler for the embedded dynalite thread: each request goes to the thread as a message and runs
 * through dynalite's own HTTP handler there (the same validation, errors and CRC32 header as over a socket), without
 * TCP and HTTP framing on either side. The client still serializes, retries and parses as it does for DynamoDB; only
 * the transport changes. Loopback HTTP cost a fifth of the bot's order CPU; this cost is a structured clone.
 */
export class DynalitePortHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: PortResponse) => void; reject: (e: Error) => void }>();
  #next = 0;
  #gone: Error | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: PortResponse | unknown) => {
      if (!isResponse(message)) return;
      const waiting = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      waiting?.resolve(message);
    });
    worker.once('exit', (code) => this.#fail(`the dynalite thread ended (exit code ${code})`));
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    if (this.#gone) throw this.#gone;
    const signal = options?.abortSignal as AbortSignal | undefined;
    if (signal?.aborted) throw abortError();
    const id = this.#next++;
    const body = bodyOf(request.body);
    const message: PortRequest = {
      kind: 'request',
      id,
      method: request.method,
      path: request.path,
      headers: request.headers,
      body,
    };
    const answer = await new Promise<PortResponse>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        reject(abortError());
      };
      signal?.addEventListener?.('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener?.('abort', onAbort);
          resolve(r);
        },
        reject,
      });
      // The SDK's bytes may be a view on a pooled buffer: a copy of just these bytes is moved, not the whole pool.
      this.#worker.postMessage(message, typeof body === 'string' ? [] : [body.buffer as ArrayBuffer]);
    });
    return {
      response: { statusCode: answer.statusCode, headers: { ...answer.headers }, body: encoder.encode(answer.body) },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** Nothing to free: the thread belongs to the embedded store (its close() ends it), not to one client. */
  destroy(): void {}

  #fail(reason: string): void {
    // A network-style error: the SDK reports it as a failed request (and retries it within maxAttempts).
    this.#gone ??= Object.assign(new Error(reason), { name: 'NetworkingError', code: 'ECONNRESET' });
    for (const waiting of this.#pending.values()) waiting.reject(this.#gone);
    this.#pending.clear();
  }
}

function bodyOf(body: unknown): string | Uint8Array {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice();
  throw new Error(`DynalitePortHandler: unsupported request body (${typeof body}); DynamoDB sends JSON`);
}

const isResponse = (message: unknown): message is PortResponse =>
  typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'response';

const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
