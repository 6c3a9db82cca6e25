import type { Readable } from 'node:stream';
import { appError } from '../../src/domain/result.ts';
import type { TableEvent, TableRow } from '../../src/ports/table-source.ts';
import { TableInputError } from './byte-stream.ts';
import { parseXml, SharedStrings, sharedStrings, workbookLayout } from './xlsx-parts.ts';
import { checkZip, openEntry, type ZipLimits, zipEntries } from './zip-guard.ts';

const BATCH = 2000;

export interface XlsxLimits extends ZipLimits {
  readonly maxColumns: number;
  readonly maxRows: number;
}

/**
 * XLSX bytes -> header and row batches from one sheet. The file (already capped at BENCH_MAX_BYTES) is buffered once
 * so its ZIP directory can be checked for bombs before inflating; then the sheet's XML is inflated and parsed as a
 * stream with saxes, so memory holds the ZIP, the shared strings and one batch of rows, never the sheet. (exceljs'
 * streaming reader, used before, built a Row of Cell objects per row and peaked at 421 MB for 300,000 rows.)
 */
export async function* readXlsx(
  bytes: AsyncIterable<Buffer>,
  sheet: string | undefined,
  limits: XlsxLimits,
): AsyncGenerator<TableEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  const zip = Buffer.concat(chunks);
  chunks.length = 0;
  const unsafe = await checkZip(zip, limits);
  if (unsafe) throw new TableInputError(unsafe);
  let layout: Awaited<ReturnType<typeof workbookLayout>>;
  let strings = new SharedStrings();
  const entries = zipEntries(zip);
  try {
    layout = await workbookLayout(zip, entries);
    const shared = layout.sharedStrings === undefined ? undefined : entries.get(layout.sharedStrings);
    if (shared) strings = await sharedStrings(zip, shared);
  } catch (error) {
    throw unreadable(error);
  }
  if (layout.sheets.length === 0)
    throw new TableInputError(appError('bench.empty_file', 'The workbook has no sheets.'));
  const position = layout.sheets.findIndex((s, i) => wanted(sheet, s.name, i + 1));
  const chosen = layout.sheets[position];
  const entry = chosen && entries.get(chosen.path);
  if (!chosen || !entry) {
    throw new TableInputError(
      appError(
        'bench.missing_sheet',
        `The workbook has no sheet “${sheet}”. Sheets found: ${layout.sheets.map((s) => `“${s.name}”`).join(', ')}.`,
        'Give `sheet:` one of those names, or its number (1 is the first).',
      ),
    );
  }
  if (entry.method !== 0 && entry.method !== 8) throw unreadable(new Error(`compression method ${entry.method}`));
  yield* readSheet(openEntry(zip, entry), chosen.name, strings, limits);
}

async function* readSheet(
  xml: Readable,
  name: string,
  strings: SharedStrings,
  limits: XlsxLimits,
): AsyncGenerator<TableEvent> {
  let header: string[] | undefined;
  let batch: TableRow[] = [];
  let rows = 0;
  const ready: { row: number; cells: string[] }[] = [];
  const parser = new SheetRows(strings, limits.maxColumns, name, (row, cells) => ready.push({ row, cells }));
  try {
    for await (const _ of parseXml(xml, parser)) {
      for (const { row, cells } of ready) {
        if (cells.every((c) => c === '')) continue; // formatted but empty
        if (header === undefined) {
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
        batch.push({ row, cells });
      }
      ready.length = 0;
      if (batch.length >= BATCH) {
        yield { type: 'rows', rows: batch, bytesRead: 0 };
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof TableInputError) throw error;
    throw unreadable(error);
  } finally {
    xml.destroy();
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

/**
 * The SAX handlers of a worksheet: `<row r>` holds `<c r="B7" t>` cells whose value is `<v>` (a number, a shared
 * string's index, a formula's cached result, a boolean, an error) or `<is>` inline text. Cells may skip columns.
 */
class SheetRows {
  readonly #strings: SharedStrings;
  readonly #maxColumns: number;
  readonly #sheet: string;
  readonly #emit: (row: number, cells: string[]) => void;
  #row = 0;
  #cells: string[] = [];
  #column = -1;
  #type = '';
  #value: string | undefined;
  #capture = false;
  #phonetic = 0;

  constructor(strings: SharedStrings, maxColumns: number, sheet: string, emit: (row: number, cells: string[]) => void) {
    this.#strings = strings;
    this.#maxColumns = maxColumns;
    this.#sheet = sheet;
    this.#emit = emit;
  }

  readonly open = (name: string, a: Record<string, string>): void => {
    switch (name) {
      case 'row':
        this.#row = a.r ? Number(a.r) : this.#row + 1;
        this.#cells = [];
        this.#column = -1;
        break;
      case 'c':
        this.#column = a.r ? columnIndex(a.r) : this.#column + 1;
        if (this.#column >= this.#maxColumns) throw this.#tooWide();
        this.#type = a.t ?? 'n';
        this.#value = undefined;
        break;
      case 'v':
        this.#capture = true;
        this.#value = '';
        break;
      case 't':
        if (this.#phonetic === 0) {
          this.#capture = true;
          this.#value ??= '';
        }
        break;
      case 'rPh':
        this.#phonetic++;
        break;
    }
  };

  readonly close = (name: string): void => {
    switch (name) {
      case 'v':
      case 't':
        this.#capture = false;
        break;
      case 'rPh':
        this.#phonetic--;
        break;
      case 'c':
        if (this.#value !== undefined) {
          while (this.#cells.length < this.#column) this.#cells.push('');
          this.#cells[this.#column] = this.#text(this.#value);
        }
        break;
      case 'row':
        this.#emit(this.#row, this.#cells);
        break;
    }
  };

  readonly text = (text: string): void => {
    if (this.#capture) this.#value += text;
  };

  /** A cell as text, the way exceljs gave it before: numbers in JavaScript's form, booleans as true/false. */
  #text(value: string): string {
    switch (this.#type) {
      case 's':
        return this.#strings.get(Number(value)) ?? '';
      case 'b':
        return value === '1' ? 'true' : 'false';
      case 'n': {
        const n = Number(value);
        return value.trim() === '' || Number.isNaN(n) ? value : String(n);
      }
      default: // str (a formula's text), inlineStr, e (#N/A), d (ISO date)
        return value;
    }
  }

  #tooWide(): TableInputError {
    return new TableInputError(
      appError(
        'bench.xlsx_bomb',
        `Row ${this.#row} of sheet “${this.#sheet}” reaches column ${this.#column + 1}; the limit is ${this.#maxColumns}.`,
        'Delete the empty formatted columns (or save the sheet as CSV) and attach it again.',
      ),
    );
  }
}

/** "AB12" -> 27 (0-based column). */
function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
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
