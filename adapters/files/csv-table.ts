import { appError } from '../../src/domain/result.ts';
import type { TableEvent, TableRow } from '../../src/ports/table-source.ts';
import { TableInputError } from './byte-stream.ts';
import { CsvSplitter } from './csv-splitter.ts';
import { detectDelimiter } from './delimiter.ts';
import { DetectingDecoder } from './text-decoding.ts';

const BATCH = 2000;
const NAMES: Readonly<Record<string, string>> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' };

/**
 * CSV/TSV bytes -> header and row batches. The encoding (UTF-8 with or without BOM, UTF-16 with BOM, else
 * Windows-1252) and the delimiter are detected from the first bytes; the `end` event names the encoding used. Rows are numbered as a spreadsheet shows them (header = row 1). Throws `TableInputError` for bad input.
 */
export async function* readCsv(
  head: Buffer,
  bytes: AsyncIterable<Buffer>,
  bytesRead: () => number,
): AsyncGenerator<TableEvent> {
  const decoder = new DetectingDecoder(head);
  const headText = new DetectingDecoder(head).decode(head);
  // Old Mac files end lines with a lone CR: read them as LF.
  const crOnly = headText.includes('\r') && !headText.includes('\n');
  const sample = crOnly ? headText.replaceAll('\r', '\n') : headText;
  // A head shorter than the peek size is the whole file, so its last line is complete.
  const delimiter = detectDelimiter(sample, head.byteLength < 64 * 1024);
  const splitter = new CsvSplitter(delimiter);
  let header: string[] | undefined;
  let width = 0;
  let batch: TableRow[] = [];
  let row = 1;
  const onRecord = (cells: string[]): void => {
    if (header === undefined) {
      header = cells.map((c) => c.trim());
      width = header.length;
      return;
    }
    row++;
    // Short rows are padded so cells line up with the header; extra cells are kept (and ignored).
    while (cells.length < width) cells.push('');
    batch.push({ row, cells });
  };
  let headerSent = false;
  // Rows parsed before a bad record are still delivered, so a half-read file reports what it read.
  function* flush(force: boolean): Generator<TableEvent> {
    if (!headerSent && header) {
      yield {
        type: 'header',
        columns: header,
        format: 'csv',
        detail: NAMES[delimiter] ?? delimiter,
        encoding: decoder.encoding,
      };
      headerSent = true;
    }
    if (batch.length >= (force ? 1 : BATCH)) {
      yield { type: 'rows', rows: batch, bytesRead: bytesRead() };
      batch = [];
    }
  }
  try {
    for await (const chunk of slices(bytes)) {
      const text = decoder.decode(chunk);
      splitter.push(crOnly ? text.replaceAll('\r', '\n') : text, onRecord);
      yield* flush(false);
    }
    splitter.push(decoder.end(), onRecord);
    splitter.end(onRecord);
  } catch (error) {
    yield* flush(true);
    throw error;
  }
  if (!header) throw new TableInputError(appError('bench.empty_file', 'The file is empty.', emptyHint));
  yield* flush(true);
  if (row === 1) {
    throw new TableInputError(appError('bench.no_rows', 'The file has a header but no rows.', emptyHint));
  }
  yield { type: 'end', encoding: decoder.encoding };
}

/** Big chunks are cut so a batch never holds more than about 64 KB worth of rows. */
async function* slices(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const size = 64 * 1024;
  for await (const chunk of bytes) {
    for (let at = 0; at < chunk.byteLength; at += size) yield chunk.subarray(at, at + size);
  }
}

const emptyHint = 'Attach a file whose first line names the columns and whose next lines hold one row each.';
