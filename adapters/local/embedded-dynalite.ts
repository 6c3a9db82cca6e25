import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`: give it to the DynamoDB client. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * A DynamoDB-compatible server in this process, on loopback only. With `path` the data lives on disk (LevelDB)
 * and survives restarts; without it, in memory (tests). Tables are ACTIVE at once (no 500 ms CREATING state).
 */
export async function startEmbeddedDynamo(
  options: { readonly path?: string; readonly port?: number } = {},
): Promise<EmbeddedDynamo> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
