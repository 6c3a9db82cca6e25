/**
 * One CSV cell, quoted when needed (RFC 4180). Cells a spreadsheet would run as a formula (starting with
 * = + - @, tab or carriage return) get a leading apostrophe: OWASP's advice against CSV injection. Plain numbers
 * such as -1.5 are left alone so they stay numbers.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  let text = value;
  if (FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

export const csvLine = (cells: readonly (string | number | boolean | undefined)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;
