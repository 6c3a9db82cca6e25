import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

type Callback = (error: Error | null, table?: TableDescription) => void;
interface TableDescription {
  readonly TableStatus?: string;
}
interface SubDb {
  put(key: string, value: unknown, callback: (error?: Error | null) => void): void;
  del(key: string, callback: (error?: Error | null) => void): void;
  batch(operations: unknown[], callback: (error?: Error | null) => void): void;
}
/** An abstract-level iterator (classic-level, memory-level), as far as this module uses it. */
interface LevelIterator {
  next(): Promise<unknown>;
  close(): Promise<void>;
}
/** dynalite's main LevelDB handle, as far as this module uses it. */
interface LevelDb {
  values(options: unknown): LevelIterator;
  keys(options: unknown): LevelIterator;
  createValueStream(options: unknown): Readable;
  createKeyStream(options: unknown): Readable;
}
/** What dynalite's `db.create(options)` returns, as far as this module uses it (dynalite/db/index.js). */
interface DynaliteStore {
  getTable(name: string, checkStatus: boolean | Callback, callback?: Callback): void;
  tableDb: SubDb;
  db: LevelDb;
}

const require = createRequire(import.meta.url);
const dynaliteDb = require('dynalite/db') as { create(options: unknown): DynaliteStore; patched?: true };

/**
 * Two fixes to the store every `dynalite()` call creates (patched once per thread: dynalite looks `create` up at
 * each call), both exercised by test/adapters/local/dynalite-store-patches.test.ts:
 * - the table-description cache (withTableCache);
 * - Scan and Query streams that close their LevelDB iterator. dynalite 4's streams end without closing it (they
 *   call `iterator.return`, which abstract-level 3 iterators do not have), so every Scan or Query left an open
 *   iterator pinning its LevelDB version: memory and mapped files grew with each outbox sweep and /track, by about
 *   200 MB a minute at 100 orders/s.
 */
export function patchDynaliteStore(): void {
  if (dynaliteDb.patched) return;
  const create = dynaliteDb.create;
  dynaliteDb.create = (options: unknown) => closingStreams(withTableCache(create(options)));
  dynaliteDb.patched = true;
}

/** The streams dynalite reads ranges with, closing their iterator when they end or are destroyed. */
function closingStreams(store: DynaliteStore): DynaliteStore {
  const db = store.db;
  const stream = (iterator: LevelIterator) =>
    new Readable({
      objectMode: true,
      read() {
        iterator.next().then(
          (value) => this.push(value === undefined ? null : value),
          (error: Error) => this.destroy(error),
        );
      },
      destroy(error, callback) {
        iterator.close().then(
          () => callback(error),
          () => callback(error),
        );
      },
    });
  db.createValueStream = (options) => stream(db.values(options));
  db.createKeyStream = (options) => stream(db.keys(options));
  return store;
}

/**
 * dynalite reads the table's description from LevelDB (and parses its JSON) for every item request: on the order
 * workload that was a tenth of its thread's time. This keeps the ACTIVE descriptions in memory, read through, and
 * forgets them on any write of the table metadata (CreateTable, UpdateTable, DeleteTable all go through `tableDb`),
 * so a request never sees a description older than the last write. Item requests only read the description.
 */
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
