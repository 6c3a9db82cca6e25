import { findColumn } from '../../domain/bench/columns.ts';
import { type AppError, appError } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import type { TableEvent, TableReadOptions, TableRow } from '../../ports/table-source.ts';
import type { BenchDeps } from './deps.ts';

export interface PairInput {
  /** The file with the predictions. */
  readonly file: FileSource;
  /** The file with the expected values (the seed's layout: predictions in one file, labels in another). */
  readonly expectedFile: FileSource;
  readonly prediction?: string;
  readonly expected?: string;
}

export interface PairCounts {
  predictionRows: number;
  expectedRows: number;
}

/**
 * Two files paired row by row (by position) as one virtual table whose header is `[expected, prediction]`.
 * Both files stream in lockstep, so memory stays flat; when one file is longer, its extra rows come out with the
 * other side blank (counted as blank rows) and `counts` says how many rows each file had.
 */
export function pairTables(
  deps: BenchDeps,
  input: PairInput,
  options: TableReadOptions,
  signal: AbortSignal,
): { events: AsyncIterable<TableEvent>; counts: PairCounts } {
  const counts: PairCounts = { predictionRows: 0, expectedRows: 0 };
  const predictions = new Side(deps.tables.read(input.file, options, signal), input.file.name);
  const expected = new Side(deps.tables.read(input.expectedFile, options, signal), input.expectedFile.name);

  async function* events(): AsyncGenerator<TableEvent> {
    try {
      yield* zip();
    } finally {
      // Stop reading both files (the other one may still be open after an error in one).
      await Promise.all([predictions.close(), expected.close()]);
    }
  }

  async function* zip(): AsyncGenerator<TableEvent> {
    const [ph, eh] = [await predictions.header(), await expected.header()];
    if ('error' in ph) return yield { type: 'error', error: ph.error };
    if ('error' in eh) return yield { type: 'error', error: eh.error };
    const p = ph.columns.length === 1 ? 0 : findColumn(ph.columns, 'prediction', input.prediction);
    const e = eh.columns.length === 1 ? 0 : findColumn(eh.columns, 'expected', input.expected);
    if (typeof p !== 'number' && !p.ok) return yield { type: 'error', error: inFile(p.error, input.file.name) };
    if (typeof e !== 'number' && !e.ok) return yield { type: 'error', error: inFile(e.error, input.expectedFile.name) };
    const pi = typeof p === 'number' ? p : p.value;
    const ei = typeof e === 'number' ? e : e.value;
    yield {
      type: 'header',
      columns: [`${input.expectedFile.name}: ${eh.columns[ei]}`, `${input.file.name}: ${ph.columns[pi]}`],
      format: ph.format,
      detail: `${ph.detail} + ${eh.format.toUpperCase()} ${eh.detail}, paired by position`,
    };
    for (;;) {
      const [a, b] = await Promise.all([predictions.rows(), expected.rows()]);
      if ('error' in a) return yield { type: 'error', error: a.error };
      if ('error' in b) return yield { type: 'error', error: b.error };
      if (a.rows.length === 0 && b.rows.length === 0) break;
      const n = Math.max(a.rows.length, b.rows.length);
      const rows: TableRow[] = [];
      for (let i = 0; i < n; i++) {
        const pr = a.rows[i];
        const er = b.rows[i];
        rows.push({ row: pr?.row ?? er?.row ?? 0, cells: [er?.cells[ei] ?? '', pr?.cells[pi] ?? ''] });
      }
      counts.predictionRows += a.rows.length;
      counts.expectedRows += b.rows.length;
      yield { type: 'rows', rows, bytesRead: a.bytesRead };
    }
    yield { type: 'end' };
  }
  return { events: events(), counts };
}

const inFile = (error: AppError, name: string): AppError => ({ ...error, message: `${name}: ${error.message}` });

/** One file's event stream, read in equal-sized slices so two files can be zipped. */
class Side {
  readonly #events: AsyncIterator<TableEvent>;
  readonly #name: string;
  #buffer: TableRow[] = [];
  #bytesRead = 0;
  #done = false;

  constructor(events: AsyncIterable<TableEvent>, name: string) {
    this.#events = events[Symbol.asyncIterator]();
    this.#name = name;
  }

  async header(): Promise<Extract<TableEvent, { type: 'header' }> | { error: AppError }> {
    const next = await this.#events.next();
    if (next.done) return { error: appError('bench.empty_file', `${this.#name} is empty.`) };
    if (next.value.type === 'header') return next.value;
    if (next.value.type === 'error') return { error: inFile(next.value.error, this.#name) };
    return { error: appError('bench.empty_file', `${this.#name} has no header row.`) };
  }

  async close(): Promise<void> {
    await this.#events.return?.();
  }

  /** Up to 1,000 rows; fewer only at the end of the file. */
  async rows(): Promise<{ rows: TableRow[]; bytesRead: number } | { error: AppError }> {
    while (this.#buffer.length < 1000 && !this.#done) {
      const next = await this.#events.next();
      if (next.done || next.value.type === 'end') this.#done = true;
      else if (next.value.type === 'error') return { error: inFile(next.value.error, this.#name) };
      else if (next.value.type === 'rows') {
        this.#buffer.push(...next.value.rows);
        this.#bytesRead = next.value.bytesRead;
      }
    }
    return { rows: this.#buffer.splice(0, 1000), bytesRead: this.#bytesRead };
  }
}
