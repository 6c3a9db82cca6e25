import { appError, err, ok, type Result } from '../result.ts';

/** The role a column plays in a bench file. */
export type ColumnRole = 'prediction' | 'expected' | 'prompt';

/** Header words that name each role (after lower-casing and dropping spaces, dashes and underscores). */
const NAMES: Readonly<Record<ColumnRole, readonly string[]>> = {
  prediction: ['prediction', 'predicted', 'pred', 'output', 'response', 'modeloutput', 'predictedlabel', 'completion'],
  expected: [
    'expected',
    'label',
    'validation',
    'groundtruth',
    'answer',
    'target',
    'gold',
    'reference',
    'truth',
    'expectedoutput',
    'ideal',
  ],
  prompt: ['prompt', 'input', 'question', 'query', 'text', 'sentence', 'instruction'],
};

const OPTION: Readonly<Record<ColumnRole, string>> = {
  prediction: 'prediction',
  expected: 'expected',
  prompt: 'prompt',
};

const squash = (name: string): string => name.toLowerCase().replace(/[\s_\-.:?]+/g, '');
const words = (name: string): string[] =>
  name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * Finds the column for a role: the one the user named (by header, case-insensitive, or by 1-based number), else
 * the one whose header is a common name for the role. Missing and ambiguous columns are errors that list the
 * columns found and say how to pick one.
 */
export function findColumn(
  header: readonly string[],
  role: ColumnRole,
  named: string | undefined,
  taken: readonly number[] = [],
): Result<number> {
  const found = `Columns found: ${header.map((h, i) => `${i + 1}. “${h}”`).join(', ')}.`;
  if (named !== undefined) {
    const wanted = named.trim();
    const byName = header.findIndex((h) => h.trim().toLowerCase() === wanted.toLowerCase());
    if (byName >= 0) return ok(byName);
    const n = /^#?\d+$/.test(wanted) ? Number(wanted.replace('#', '')) : Number.NaN;
    if (n >= 1 && n <= header.length) return ok(n - 1);
    return err(
      appError(
        'bench.missing_column',
        `There is no column “${wanted}” for ${role}. ${found}`,
        `Give \`${OPTION[role]}:\` one of those names (or its number).`,
      ),
    );
  }
  const free = header.map((h, i) => ({ h, i })).filter(({ i }) => !taken.includes(i));
  const names = NAMES[role];
  let matches = free.filter(({ h }) => names.includes(squash(h)));
  if (matches.length === 0) matches = free.filter(({ h }) => words(h).some((w) => names.includes(w)));
  if (matches.length === 1 && matches[0]) return ok(matches[0].i);
  if (matches.length === 0) {
    return err(
      appError(
        'bench.missing_column',
        `I could not find the ${role} column. ${found}`,
        `Name it with \`${OPTION[role]}:<column>\`, or call the column one of: ${names.slice(0, 5).join(', ')}.`,
      ),
    );
  }
  return err(
    appError(
      'bench.ambiguous_column',
      `Several columns could be the ${role}: ${matches.map(({ h }) => `“${h}”`).join(', ')}.`,
      `Pick one with \`${OPTION[role]}:<column>\`. ${found}`,
    ),
  );
}
