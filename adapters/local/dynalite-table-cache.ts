import { createRequire } from 'node:module';

type Callback = (error: Error | null, table?: TableDescription) => void;
interface TableDescription {
  readonly TableStatus?: string;
}
interface SubDb {
  put(key: string, value: unknown, callback: (error?: Error | null) => void): void;
  del(key: string, callback: (error?: Error | null) => void): void;
  batch(operations: unknown[], callback: (error?: Error | null) => void): void;
}
/** What dynalite's `db.create(options)` returns, as far as this module uses it (dynalite/db/index.js). */
interface DynaliteStore {
  getTable(name: string, checkStatus: boolean | Callback, callback?: Callback): void;
  tableDb: SubDb;
}

const require = createRequire(import.meta.url);
const dynaliteDb = require('dynalite/db') as { create(options: unknown): DynaliteStore; tableCache?: true };

/**
 * dynalite reads the table's description from LevelDB (and parses its JSON) for every item request: on the order
 * workload that was a tenth of its thread's time. This keeps the ACTIVE descriptions in memory, read through, and
 * forgets them on any write of the table metadata (CreateTable, UpdateTable, DeleteTable all go through `tableDb`),
 * so a request never sees a description older than the last write. Item requests only read the description.
 * Patches `dynalite/db`'s `create` once per thread (dynalite looks it up at each `dynalite()` call).
 */
export function cacheTableDescriptions(): void {
  if (dynaliteDb.tableCache) return;
  const create = dynaliteDb.create;
  dynaliteDb.create = (options: unknown) => withTableCache(create(options));
  dynaliteDb.tableCache = true;
}

function withTableCache(store: DynaliteStore): DynaliteStore {
  const cache = new Map<string, TableDescription>();
  const getTable = store.getTable;
  const tableDb = store.tableDb;
  for (const method of ['put', 'del', 'batch'] as const) {
    const write = tableDb[method].bind(tableDb) as (...args: unknown[]) => void;
    (tableDb as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      cache.clear();
      write(...args);
    };
  }
  store.getTable = (name, checkStatus, callback) => {
    const done = (typeof checkStatus === 'function' ? checkStatus : callback) as Callback;
    // Only the item requests' form (status checked, so CREATING/DELETING tables fail as before) is served from memory.
    if (typeof checkStatus !== 'function' && checkStatus !== true) {
      getTable(name, checkStatus, done);
      return;
    }
    const cached = cache.get(name);
    if (cached) {
      process.nextTick(done, null, cached);
      return;
    }
    getTable(name, true, (error, table) => {
      if (!error && table?.TableStatus === 'ACTIVE') cache.set(name, table);
      done(error, table);
    });
  };
  return store;
}
