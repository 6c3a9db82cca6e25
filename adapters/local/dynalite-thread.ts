/**
 * Worker-thread entry of the embedded DynamoDB (see embedded-dynalite.ts): runs dynalite on 127.0.0.1 so its
 * request parsing, validation and LevelDB encoding use another core than the bot's event loop.
 * Protocol: workerData = DynaliteOptions; posts `{ port }` once listening (or `{ error }`); on the message
 * 'close' it closes the server and the database, posts `{ closed: true }` (or `{ error }`) and lets the thread end.
 */
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const port = parentPort;
if (!port) throw new Error('dynalite-thread.ts runs only as a worker thread (see embedded-dynalite.ts)');
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

const server = dynalite(workerData);
server.once('error', (error) => port.postMessage({ error: message(error) }));
server.listen(0, '127.0.0.1', () => port.postMessage({ port: (server.address() as AddressInfo).port }));
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
port.on('message', (command) => {
  if (command !== 'close') return;
  process.on('uncaughtException', ignoreLateWrites);
  server.closeAllConnections();
  server.close((error) => {
    port.postMessage(error ? { error: message(error) } : { closed: true });
    port.close();
  });
});
