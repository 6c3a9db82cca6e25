import { type AppError, appError } from '../../src/domain/result.ts';
import type { FileSource } from '../../src/ports/file-source.ts';
import type { TableEvent, TableReadOptions, TableSource } from '../../src/ports/table-source.ts';
import { formatBytes, peekAndCount, sniff, TableInputError, tooLarge } from './byte-stream.ts';
import { readCsv } from './csv-table.ts';
import { readXlsx, type XlsxLimits } from './xlsx-table.ts';

export interface FileTableSourceOptions {
  readonly xlsx?: Partial<XlsxLimits>;
}

const DEFAULT_XLSX: XlsxLimits = {
  // Sheets stream, so this bounds time, not memory: a 1,000,000-row sheet unpacks to ~250 MB.
  maxUncompressed: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxColumns: 1000,
  maxRows: 2_000_000,
};

/**
 * The `TableSource` for uploads: sniffs the first bytes (not the name) to tell CSV/TSV text from an XLSX
 * workbook, then streams rows. Every problem with the file becomes an `error` event with a stable code.
 */
export class FileTableSource implements TableSource {
  readonly #xlsx: XlsxLimits;

  constructor(options: FileTableSourceOptions = {}) {
    this.#xlsx = { ...DEFAULT_XLSX, ...options.xlsx };
  }

  async *read(file: FileSource, options: TableReadOptions, signal?: AbortSignal): AsyncGenerator<TableEvent> {
    if (file.size > options.maxBytes) {
      yield {
        type: 'error',
        error: {
          ...tooLarge(options.maxBytes),
          message: `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(options.maxBytes)}.`,
        },
      };
      return;
    }
    let format: ReturnType<typeof sniff> | undefined;
    try {
      let bytesRead = 0;
      const { head, stream } = await peekAndCount(file.open(signal), 64 * 1024, options.maxBytes, (n) => {
        bytesRead = n;
      });
      format = sniff(head);
      const refused = refuse(format, file.name);
      if (refused) {
        await stream.return?.(undefined);
        yield { type: 'error', error: refused };
        return;
      }
      const events =
        format === 'xlsx' ? readXlsx(stream, options.sheet, this.#xlsx) : readCsv(head, stream, () => bytesRead);
      let ended = false;
      for await (const event of events) {
        if (signal?.aborted) throw signal.reason;
        ended ||= event.type === 'end';
        yield event;
      }
      if (!ended) yield { type: 'end' };
    } catch (error) {
      yield { type: 'error', error: toAppError(error, format, signal) };
    }
  }
}

function refuse(format: ReturnType<typeof sniff>, name: string): AppError | undefined {
  const fix = 'Attach a .csv (comma, semicolon or tab separated) or an .xlsx workbook.';
  switch (format) {
    case 'empty':
      return appError('bench.empty_file', `${name} is empty.`, fix);
    case 'xls':
      return appError(
        'bench.not_a_table',
        `${name} is an old Excel 97-2003 (.xls) workbook.`,
        'Save it as .xlsx or CSV and attach it again.',
      );
    case 'binary':
      return appError('bench.not_a_table', `${name} is neither CSV text nor an XLSX workbook.`, fix);
    case 'xlsx':
    case 'text':
      return undefined;
  }
}

function toAppError(error: unknown, format: string | undefined, signal: AbortSignal | undefined): AppError {
  if (error instanceof TableInputError) return error.appError;
  if (signal?.aborted) return appError('bench.cancelled', 'Reading the file was cancelled.');
  const why = error instanceof Error ? error.message : String(error);
  if (format === 'xlsx') {
    return appError(
      'bench.bad_xlsx',
      `The workbook could not be read (${why}).`,
      'Open it in Excel or LibreOffice, save it again as .xlsx (or CSV) and attach the new file.',
    );
  }
  // The download itself failed (the platform's file URL, a reset connection).
  return appError('bench.read_failed', `The file could not be read (${why}).`, 'Attach it again in a moment.');
}
