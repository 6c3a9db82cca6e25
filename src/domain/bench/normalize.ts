/**
 * How two cells are compared. `normalize` folds case, trims and collapses whitespace, drops punctuation and writes
 * numbers canonically ("1.0" -> "1"), so "Positive." and " positive" are the same label.
 */
export type Comparison = 'exact' | 'normalized';

const PUNCTUATION = /[\p{P}\p{S}]+/gu;
const SPACES = /\s+/g;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// Fast path: plain lower-case words need no regex work (the common case in a million-row label column).
const SIMPLE = /^[a-z0-9_]+$/;

export function normalizeText(value: string): string {
  if (SIMPLE.test(value)) return canonicalNumber(value);
  const trimmed = value.trim();
  if (NUMBER.test(trimmed)) return canonicalNumber(trimmed);
  return trimmed.toLowerCase().replace(PUNCTUATION, ' ').replace(SPACES, ' ').trim();
}

export const compareKey = (value: string, comparison: Comparison): string =>
  comparison === 'exact' ? value : normalizeText(value);

function canonicalNumber(value: string): string {
  if (!NUMBER.test(value)) return value;
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : value;
}
