import type { AppError } from '../domain/result.ts';
import type { FileSource } from './file-source.ts';

/**
 * Reads an uploaded CSV or XLSX file as a stream of rows, never holding the whole table. The first event is the
 * header (or an error); rows come in batches; the stream ends with exactly one `end` or `error` event and never
 * throws for bad input. Aborting the signal ends it with an `error` of code `bench.cancelled`.
 */
export interface TableSource {
  read(file: FileSource, options: TableReadOptions, signal?: AbortSignal): AsyncIterable<TableEvent>;
}

export interface TableReadOptions {
  /** XLSX: the sheet to read (name, or 1-based number); the first sheet when absent. */
  readonly sheet?: string;
  /** Refuse files larger than this many bytes (checked before and while reading). */
  readonly maxBytes: number;
}

export interface TableRow {
  /** Where the row is in the file as a spreadsheet shows it: the header is row 1. */
  readonly row: number;
  readonly cells: readonly string[];
}

export type TableEvent =
  | {
      readonly type: 'header';
      readonly columns: readonly string[];
      readonly format: 'csv' | 'xlsx';
      /** CSV: the detected delimiter; XLSX: the sheet read. */
      readonly detail: string;
      /** CSV: the text encoding detected so far (the `end` event has the final one). */
      readonly encoding?: string;
    }
  /** `bytesRead` of `file.size`, for progress and ETA. */
  | { readonly type: 'rows'; readonly rows: readonly TableRow[]; readonly bytesRead: number }
  /** CSV: `encoding` is the text encoding used (a file that was ASCII at the start may turn out Windows-1252). */
  | { readonly type: 'end'; readonly encoding?: string }
  | { readonly type: 'error'; readonly error: AppError };
