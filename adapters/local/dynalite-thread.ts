/**
 * Worker-thread entry of the embedded DynamoDB (see embedded-dynalite.ts): runs dynalite on 127.0.0.1 so its
 * request parsing, validation and LevelDB encoding use another core than the bot's event loop.
 * Protocol: workerData = DynaliteOptions; posts `{ port }` once listening (or `{ error }`); on the message
 * 'close' it closes the server and the database, posts `{ closed: true }` (or `{ error }`) and lets the thread end.
 * In-process clients skip the socket: a `PortRequest` message runs through dynalite's own request handler here and
 * is answered with a `PortResponse` (see dynalite-port-handler.ts).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import type { PortRequest, PortResponse } from './dynalite-port-handler.ts';
import { patchDynaliteStore } from './dynalite-store-patches.ts';

const port = parentPort;
if (!port) throw new Error('dynalite-thread.ts runs only as a worker thread (see embedded-dynalite.ts)');
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

patchDynaliteStore();
const server = dynalite(workerData);
server.once('error', (error) => port.postMessage({ error: message(error) }));
server.listen(0, '127.0.0.1', () => port.postMessage({ port: (server.address() as AddressInfo).port }));
/** dynalite's (req, res) handler, the one its HTTP server runs for each request. */
const handleHttp = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
let closing = false;

/**
 * One request without a socket: a request stream that emits the body, and a response that collects what dynalite
 * writes (it uses setHeader, statusCode and end only).
 */
function handlePortRequest(request: PortRequest): void {
  if (closing) {
    port?.postMessage({ kind: 'response', id: request.id, statusCode: 503, headers: {}, body: '' });
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const req = Object.assign(new EventEmitter(), { method: request.method, url: request.path, headers });
  const replyHeaders: Record<string, string> = {};
  const res = {
    statusCode: 200,
    contentType: undefined as string | undefined,
    setHeader(name: string, value: unknown) {
      replyHeaders[name.toLowerCase()] = String(value);
    },
    end(body?: string) {
      const reply: PortResponse = {
        kind: 'response',
        id: request.id,
        statusCode: res.statusCode,
        headers: replyHeaders,
        body: body ?? '',
      };
      port?.postMessage(reply);
    },
  };
  handleHttp(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  const body =
    typeof request.body === 'string'
      ? Buffer.from(request.body)
      : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
  if (body.length > 0) req.emit('data', body);
  req.emit('end');
}

/**
 * Closing drops the connections, but dynalite may still be finishing a request it had read (its index updates run
 * after the reply): that write then throws "Database is closed" from a callback. Harmless once closing (the caller
 * is gone), so it is ignored then; anything else stays fatal.
 */
const ignoreLateWrites = (error: Error) => {
  if (message(error).includes('Database is closed')) return;
  process.off('uncaughtException', ignoreLateWrites);
  throw error;
};
port.on('message', (command: unknown) => {
  if (typeof command === 'object' && command !== null && (command as PortRequest).kind === 'request') {
    handlePortRequest(command as PortRequest);
    return;
  }
  if (command !== 'close') return;
  closing = true;
  process.on('uncaughtException', ignoreLateWrites);
  server.closeAllConnections();
  server.close((error) => {
    port.postMessage(error ? { error: message(error) } : { closed: true });
    port.close();
  });
});
