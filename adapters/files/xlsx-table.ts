import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { appError } from '../../src/domain/result.ts';
import type { TableEvent, TableRow } from '../../src/ports/table-source.ts';
import { TableInputError } from './byte-stream.ts';
import { checkZip, type ZipLimits } from './zip-guard.ts';

const BATCH = 2000;

export interface XlsxLimits extends ZipLimits {
  readonly maxColumns: number;
  readonly maxRows: number;
}

/**
 * XLSX bytes -> header and row batches from one sheet, through exceljs' streaming reader. The file (already
 * capped at BENCH_MAX_BYTES) is buffered once so its ZIP directory can be checked for bombs before inflating.
 */
export async function* readXlsx(
  bytes: AsyncIterable<Buffer>,
  sheet: string | undefined,
  limits: XlsxLimits,
): AsyncGenerator<TableEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  const zip = Buffer.concat(chunks);
  const unsafe = await checkZip(zip, limits);
  if (unsafe) throw new TableInputError(unsafe);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([zip]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  });
  const seen: string[] = [];
  let parsed: AsyncGenerator<ExcelJS.stream.xlsx.WorksheetReader>;
  try {
    parsed = reader[Symbol.asyncIterator]();
  } catch (error) {
    throw unreadable(error);
  }
  try {
    for (;;) {
      let next: IteratorResult<ExcelJS.stream.xlsx.WorksheetReader>;
      try {
        next = await parsed.next();
      } catch (error) {
        throw unreadable(error);
      }
      if (next.done) break;
      const worksheet = next.value;
      const name = sheetName(reader, worksheet);
      seen.push(name);
      if (!wanted(sheet, name, seen.length)) {
        await drain(worksheet);
        continue;
      }
      yield* readSheet(worksheet, name, limits);
      return;
    }
  } finally {
    await drainRest(parsed);
  }
  if (seen.length === 0) throw new TableInputError(appError('bench.empty_file', 'The workbook has no sheets.'));
  throw new TableInputError(
    appError(
      'bench.missing_sheet',
      `The workbook has no sheet “${sheet}”. Sheets found: ${seen.map((s) => `“${s}”`).join(', ')}.`,
      'Give `sheet:` one of those names, or its number (1 is the first).',
    ),
  );
}

/**
 * Sheets stored before the shared strings (exceljs' own order, and common elsewhere) are copied to temp files,
 * each deleted by exceljs only once its sheet was read through: one skipped unread was deleted under its opening
 * stream (an uncaught ENOENT that ends the process) or kept its descriptor, and sheets after the chosen one stayed
 * in the temp folder. So every sheet is read to its end, the unwanted ones without looking at their rows.
 */
async function drain(worksheet: ExcelJS.stream.xlsx.WorksheetReader): Promise<void> {
  for await (const _row of worksheet) {
    // Nothing to do with the rows: reading them is what lets exceljs close and delete the sheet's temp file.
  }
}

/** Reads the rest of the workbook (after the chosen sheet, or a failure) so no temp file is left; errors are moot now. */
async function drainRest(parsed: AsyncGenerator<ExcelJS.stream.xlsx.WorksheetReader>): Promise<void> {
  try {
    for (let next = await parsed.next(); !next.done; next = await parsed.next()) await drain(next.value);
  } catch {
    // The table was read or refused already; a broken later part changes nothing for the user.
  }
}

async function* readSheet(
  worksheet: ExcelJS.stream.xlsx.WorksheetReader,
  name: string,
  limits: XlsxLimits,
): AsyncGenerator<TableEvent> {
  let header: string[] | undefined;
  let batch: TableRow[] = [];
  let rows = 0;
  for await (const row of worksheet) {
    const values = row.values as unknown[];
    if (values.length - 1 > limits.maxColumns) {
      throw new TableInputError(
        appError(
          'bench.xlsx_bomb',
          `Row ${row.number} of sheet “${name}” reaches column ${values.length - 1}; the limit is ${limits.maxColumns}.`,
          'Delete the empty formatted columns (or save the sheet as CSV) and attach it again.',
        ),
      );
    }
    const cells = Array.from(values.slice(1), cellText); // Array.from visits the holes of a sparse row
    if (header === undefined) {
      if (cells.every((c) => c === '')) continue;
      header = cells.map((c) => c.trim());
      yield { type: 'header', columns: header, format: 'xlsx', detail: name };
      continue;
    }
    if (++rows > limits.maxRows) {
      throw new TableInputError(
        appError(
          'bench.too_many_rows',
          `Sheet “${name}” has more than ${limits.maxRows.toLocaleString('en')} rows.`,
          'Split it into several files.',
        ),
      );
    }
    while (cells.length < header.length) cells.push('');
    batch.push({ row: row.number, cells });
    if (batch.length >= BATCH) {
      yield { type: 'rows', rows: batch, bytesRead: 0 };
      batch = [];
    }
  }
  if (!header) throw new TableInputError(appError('bench.empty_file', `Sheet “${name}” is empty.`));
  if (batch.length > 0) yield { type: 'rows', rows: batch, bytesRead: 0 };
  if (rows === 0) {
    throw new TableInputError(
      appError(
        'bench.no_rows',
        `Sheet “${name}” has a header but no rows.`,
        'If the data is on another sheet, name it with `sheet:`.',
      ),
    );
  }
}

/** A cell as text: rich text joined, formulas by their result, dates as ISO dates. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText))
      return v.richText.map((part: { text?: unknown }) => String(part.text ?? '')).join('');
    if ('result' in v) return cellText(v.result);
    if ('formula' in v || 'sharedFormula' in v) return '';
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

function sheetName(reader: ExcelJS.stream.xlsx.WorkbookReader, worksheet: ExcelJS.stream.xlsx.WorksheetReader): string {
  const id = (worksheet as unknown as { id: string | number }).id;
  const internals = reader as unknown as {
    model?: { sheets?: { name: string; rId: string }[] };
    workbookRels?: { Id: string; Target: string }[];
  };
  const rel = internals.workbookRels?.find((r) => r.Target.endsWith(`sheet${id}.xml`));
  const named = internals.model?.sheets?.find((s) => s.rId === rel?.Id);
  return named?.name ?? `Sheet${id}`;
}

function wanted(sheet: string | undefined, name: string, position: number): boolean {
  if (sheet === undefined) return true;
  const want = sheet.trim().toLowerCase();
  return want === name.toLowerCase() || want === String(position) || want === `#${position}`;
}

const unreadable = (error: unknown): TableInputError =>
  new TableInputError(
    appError(
      'bench.bad_xlsx',
      `The workbook could not be read (${error instanceof Error ? error.message : String(error)}).`,
      'Open it in Excel or LibreOffice, save it again as .xlsx (or CSV) and attach the new file.',
    ),
  );
