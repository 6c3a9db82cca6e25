import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { FileTableSource } from '../../../adapters/files/file-table-source.ts';
import type { FileSource } from '../../../src/ports/file-source.ts';
import type { TableEvent } from '../../../src/ports/table-source.ts';
import { fileAt, fileOf, fixture, sharedData } from '../../app/bench/bench-support.ts';

const MB = 1024 * 1024;

async function readAll(file: FileSource, options: { sheet?: string; maxBytes?: number } = {}, signal?: AbortSignal) {
  const events: TableEvent[] = [];
  const source = new FileTableSource();
  for await (const event of source.read(
    file,
    { maxBytes: options.maxBytes ?? 25 * MB, ...(options.sheet ? { sheet: options.sheet } : {}) },
    signal,
  )) {
    events.push(event);
  }
  const header = events.find((e) => e.type === 'header');
  const rows = events.flatMap((e) => (e.type === 'rows' ? e.rows : []));
  const last = events.at(-1);
  return { header, rows, last };
}

describe('FileTableSource: CSV', () => {
  it('reads the real SST-2 TSV: tab detected, stray quotes kept, 872 rows', async () => {
    const { header, rows, last } = await readAll(fileAt(sharedData('sst2-pt-dev.tsv')));
    expect(header).toEqual({
      type: 'header',
      columns: ['sentence', 'label'],
      format: 'csv',
      detail: 'tab',
      encoding: 'UTF-8',
    });
    expect(rows).toHaveLength(872);
    expect(rows[0]).toEqual({ row: 2, cells: ['é uma jornada encantadora e freqüentemente afetando.', '1'] });
    expect(rows.some((r) => r.cells[0]?.includes('"lá, mas pela graça de Deus"'))).toBe(true);
    expect(rows.every((r) => r.cells[1] === '0' || r.cells[1] === '1')).toBe(true);
    expect(last).toEqual({ type: 'end', encoding: 'UTF-8' });
  });

  it('strips a BOM and detects semicolons', async () => {
    const { header, rows } = await readAll(fileAt(fixture('bom-semicolon.csv')));
    expect(header).toMatchObject({ columns: ['Label', 'Output', 'note'], detail: 'semicolon' });
    expect(rows[2]).toEqual({ row: 4, cells: ['neg', 'neg', 'semi; colon'] });
  });

  it('keeps quoted commas, doubled quotes and newlines, across tiny chunks', async () => {
    const text = readFileSync(fixture('quoted.csv'), 'utf8');
    const { rows } = await readAll(fileOf('quoted.csv', text, 3));
    expect(rows.map((r) => r.cells)).toEqual([
      ['Say "hi", please', 'hi', 'Hi!'],
      ['Two\nlines', '2, or two', 'two'],
      ['plain', 'x', 'y'],
    ]);
  });

  it('reads old Mac line endings (lone CR)', async () => {
    const { rows } = await readAll(fileOf('mac.csv', 'prediction,expected\ra,a\rb,c\r', 5));
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 'a'],
      ['b', 'c'],
    ]);
  });

  it('splits a multi-byte character across chunks correctly', async () => {
    const { rows } = await readAll(fileOf('a.csv', 'a,b\nção,é\n', 1));
    expect(rows[0]?.cells).toEqual(['ção', 'é']);
  });

  it.each([
    ['malformed-quote.csv', 'bench.malformed_csv', 'line 4'],
    ['empty.csv', 'bench.empty_file', 'empty'],
    ['header-only.csv', 'bench.no_rows', 'no rows'],
    ['not-a-table.png', 'bench.not_a_table', 'neither CSV text nor an XLSX workbook'],
  ])('%s -> %s', async (name, code, words) => {
    const { last } = await readAll(fileAt(fixture(name)));
    expect(last).toMatchObject({ type: 'error', error: { code } });
    expect(last?.type === 'error' && last.error.message).toContain(words);
    expect(last?.type === 'error' && last.error.hint).toBeTruthy();
  });

  it('refuses an oversized file before reading, and one that is bigger than announced while reading', async () => {
    const announced = await readAll({ ...fileAt(fixture('basic.csv')), size: 30 * MB });
    expect(announced.last).toMatchObject({
      type: 'error',
      error: { code: 'bench.file_too_large', message: expect.stringContaining('30 MB; the limit is 25 MB') },
    });
    const lying = await readAll(fileOf('big.csv', `a,b\n${'1,2\n'.repeat(50_000)}`, 4096), { maxBytes: 100_000 });
    expect(lying.last).toMatchObject({ type: 'error', error: { code: 'bench.file_too_large' } });
  });

  it('stops with bench.cancelled when the signal aborts', async () => {
    const controller = new AbortController();
    const file = fileOf('big.csv', `a,b\n${'1,2\n'.repeat(20_000)}`, 1024);
    const events: TableEvent[] = [];
    for await (const event of new FileTableSource().read(file, { maxBytes: 25 * MB }, controller.signal)) {
      events.push(event);
      if (event.type === 'rows') controller.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'bench.cancelled' } });
  });
});

describe('FileTableSource: text encodings', () => {
  const text = 'frase;esperado;previsto\nAção é ótima;pêra;péra\nÀ noite, café;maçã;maçã\n';
  const utf16be = (t: string) => Buffer.from(t, 'utf16le').swap16();
  const bom = (bytes: number[], body: Buffer) => Buffer.concat([Buffer.from(bytes), body]);
  const cp1252 = (t: string) => Buffer.from(t, 'latin1'); // the accents used here are the same in both

  it.each([
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', bom([0xef, 0xbb, 0xbf], Buffer.from(text, 'utf8'))],
    ['UTF-16LE', bom([0xff, 0xfe], Buffer.from(text, 'utf16le'))],
    ['UTF-16BE', bom([0xfe, 0xff], utf16be(text))],
    ['Windows-1252', cp1252(text)],
  ])('reads %s, across odd chunk boundaries, and says so', async (encoding, bytes) => {
    for (const chunk of [1, 3, 4096]) {
      const { header, rows, last } = await readAll(fileOf('frutas.csv', bytes, chunk));
      expect(header).toMatchObject({ columns: ['frase', 'esperado', 'previsto'], detail: 'semicolon' });
      expect(rows.map((r) => r.cells)).toEqual([
        ['Ação é ótima', 'pêra', 'péra'],
        ['À noite, café', 'maçã', 'maçã'],
      ]);
      expect(last).toEqual({ type: 'end', encoding });
    }
  });

  it('reads the Windows-1252 characters Latin-1 lacks (€, curly quotes, dashes)', async () => {
    const bytes = Buffer.from([...Buffer.from('a,b\n'), 0x80, 0x2c, 0x93, 0x6f, 0x6b, 0x94, 0x96, 0x0a]);
    const { rows, last } = await readAll(fileOf('euro.csv', bytes));
    expect(rows[0]?.cells).toEqual(['€', '“ok”–']);
    expect(last).toEqual({ type: 'end', encoding: 'Windows-1252' });
  });

  it('decides at the first non-ASCII byte even when it comes after the first 64 KB', async () => {
    const ascii = `label,prediction\n${'yes,yes\n'.repeat(20_000)}`;
    const bytes = Buffer.concat([Buffer.from(ascii), cp1252('não,não\n')]);
    const { header, rows, last } = await readAll(fileOf('late.csv', bytes, 8192));
    expect(header).toMatchObject({ encoding: 'UTF-8' }); // ASCII so far
    expect(rows.at(-1)?.cells).toEqual(['não', 'não']);
    expect(last).toEqual({ type: 'end', encoding: 'Windows-1252' });
  });
});

describe('FileTableSource: XLSX', () => {
  it('reads a named sheet: rich text, formula results and numbers as text', async () => {
    const { header, rows, last } = await readAll(fileAt(fixture('two-sheets.xlsx')), { sheet: 'results' });
    expect(header).toEqual({
      type: 'header',
      columns: ['id', 'Predicted', 'Ground Truth'],
      format: 'xlsx',
      detail: 'Results',
    });
    expect(rows.map((r) => [r.row, ...r.cells])).toEqual([
      [2, '1', 'cat', 'cat'],
      [3, '2', 'Dog', 'dog'],
      [4, '3', 'cat', 'dog'],
      [5, '4', '7', '7'],
      [6, '5', '', 'cat'],
    ]);
    expect(last).toEqual({ type: 'end' });
  });

  it('picks a sheet by number, and lists the sheets when the name is wrong', async () => {
    const second = await readAll(fileAt(fixture('two-sheets.xlsx')), { sheet: '2' });
    expect(second.header).toMatchObject({ detail: 'Results' });
    const wrong = await readAll(fileAt(fixture('two-sheets.xlsx')), { sheet: 'Data' });
    expect(wrong.last).toMatchObject({
      type: 'error',
      error: { code: 'bench.missing_sheet', message: expect.stringContaining('“Notes”, “Results”') },
    });
  });

  it('reads inline strings, skipped cells, booleans and errors, and skips formatted empty rows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'xlsx-')), 'inline.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false });
    const ws = wb.addWorksheet('Dados');
    ws.getRow(1).values = ['frase', 'esperado', 'previsto'];
    ws.getRow(1).commit();
    ws.getRow(2).values = ['Ação & <tags>', true, { error: '#N/A' }];
    ws.getRow(2).commit();
    ws.getRow(3).getCell(3).style = { font: { bold: true } }; // formatted, no value
    ws.getRow(3).commit();
    ws.getRow(4).getCell(3).value = 0.1;
    ws.getRow(4).commit();
    ws.commit();
    await wb.commit();
    const { header, rows, last } = await readAll(fileAt(path));
    expect(header).toMatchObject({ columns: ['frase', 'esperado', 'previsto'], detail: 'Dados' });
    expect(rows.map((r) => [r.row, ...r.cells])).toEqual([
      [2, 'Ação & <tags>', 'true', '#N/A'],
      [4, '', '', '0.1'],
    ]);
    expect(last).toEqual({ type: 'end' });
  });

  it('refuses a zip bomb before inflating it', async () => {
    const { last, header } = await readAll(fileAt(fixture('bomb.xlsx')));
    expect(header).toBeUndefined();
    expect(last).toMatchObject({ type: 'error', error: { code: 'bench.xlsx_bomb' } });
  });

  it('refuses a bomb whose ZIP directory lies about the unpacked size', async () => {
    const zip = Buffer.from(readFileSync(fixture('bomb.xlsx')));
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    // Central directory entry (46-byte header, then the name): claim 1,000 bytes instead of 8 MB.
    for (let at = zip.indexOf(name); at >= 0; at = zip.indexOf(name, at + 1)) {
      if (zip.readUInt32LE(at - 46) === 0x02014b50) zip.writeUInt32LE(1000, at - 46 + 24);
      if (zip.readUInt32LE(at - 30) === 0x04034b50) zip.writeUInt32LE(1000, at - 30 + 22);
    }
    const { last, header } = await readAll(fileOf('liar.xlsx', zip, 4096));
    expect(header).toBeUndefined();
    expect(last).toMatchObject({
      type: 'error',
      error: { code: 'bench.xlsx_bomb', message: expect.stringContaining('more than its directory says') },
    });
  });

  it('reports a damaged workbook as bench.bad_xlsx', async () => {
    const bytes = readFileSync(fixture('two-sheets.xlsx')).subarray(0, 3000);
    const { last } = await readAll(fileOf('cut.xlsx', bytes, 512));
    expect(last).toMatchObject({ type: 'error', error: { code: 'bench.bad_xlsx' } });
  });
});
