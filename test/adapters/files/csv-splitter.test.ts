import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { TableInputError } from '../../../adapters/files/byte-stream.ts';
import { CsvSplitter } from '../../../adapters/files/csv-splitter.ts';
import { detectDelimiter } from '../../../adapters/files/delimiter.ts';

function split(text: string, delimiter = ',', chunk = 3): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  const splitter = new CsvSplitter(delimiter, 10_000);
  const on = (cells: string[], line: number) => out.push({ cells, line });
  for (let at = 0; at < text.length; at += chunk) splitter.push(text.slice(at, at + chunk), on);
  splitter.end(on);
  return out;
}

const viaCsvParse = (text: string, delimiter = ','): string[][] =>
  parse(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true });

describe('CsvSplitter', () => {
  it('handles quotes, doubled quotes, delimiters and newlines inside quotes, CRLF, blank lines', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\nlast,"no newline"';
    expect(split(text)).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['x, y', 'say "hi"'], line: 2 },
      { cells: ['multi\nline', 'z'], line: 4 },
      { cells: ['last', 'no newline'], line: 6 },
    ]);
  });

  it('agrees with csv-parse (relax_quotes, relax_column_count) on random files and chunkings', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const run = (parts: readonly string[], n: number) => Array.from({ length: n }, () => pick(parts)).join('');
    // Plain cells (a stray quote inside is kept, as real TSVs have them) and quoted cells with anything inside.
    const cell = () =>
      random() < 0.6
        ? `x${run(['a', 'b', ' ', 'é', '"'], Math.floor(random() * 6))}`
        : `"${run(['a', ',', '\n', '\r\n', '""', ' ', ';'], Math.floor(random() * 8))}"`;
    for (let n = 0; n < 300; n++) {
      const records = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        Array.from({ length: 1 + Math.floor(random() * 4) }, cell).join(','),
      );
      // One line ending per file: csv-parse takes the first one it sees as the record delimiter.
      const eol = pick(['\n', '\r\n']);
      const text = records.join(pick([eol, eol + eol])) + pick(['', eol]);
      const chunk = 1 + Math.floor(random() * 8);
      expect(
        split(text, ',', chunk).map((r) => r.cells),
        JSON.stringify(text),
      ).toEqual(viaCsvParse(text).filter((r) => r.length > 1 || r[0] !== '')); // `""` alone: a blank row, skipped
    }
  });

  it('names the line where an unclosed quote starts', () => {
    const run = () => split('prediction,expected\na,a\nb,b\n"c,c\nd,d\n');
    expect(run).toThrow(TableInputError);
    try {
      run();
    } catch (error) {
      expect((error as TableInputError).appError).toMatchObject({
        code: 'bench.malformed_csv',
        message: 'A quoted cell that starts on line 4 is never closed.',
      });
    }
  });

  it('stops a runaway quoted record at the size limit, naming its line', () => {
    const splitter = new CsvSplitter(',', 100);
    const on = () => {};
    splitter.push('a,b\n1,2\n"open', on);
    expect(() => splitter.push('x'.repeat(200), on)).toThrow(/starting at line 3/);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b\n"x;y";2\n1,5;3\n', ';'],
    ['sentence\tlabel\num, dois, três\t1\nquatro\t0\n', '\t'],
    ['a|b\n1|2\n', '|'],
    ['just one column\nwith, a comma sometimes\n', ','],
  ])('%j -> %j', (sample, delimiter) => {
    expect(detectDelimiter(sample, true)).toBe(delimiter);
  });
});

describe('CsvSplitter: lines without breaks', () => {
  it('says a long line has no line break when there is no quote in it', () => {
    const splitter = new CsvSplitter(',', 100);
    expect(() => splitter.push(`a,b\n${'x,'.repeat(100)}`, () => {})).toThrow(
      /Line 2 is longer than 100 characters without a line break/,
    );
  });
});
