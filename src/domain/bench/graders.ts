import { appError, err, ok, type Result } from '../result.ts';
import { normalizeText } from './normalize.ts';

/**
 * How an answer is judged against the expected cell. The deterministic graders are pure; `judge` asks a model
 * and is carried out by the run use case.
 */
export type Grader =
  | { readonly type: 'exact' }
  | { readonly type: 'normalized' }
  /** The expected text appears in the answer (both normalised). */
  | { readonly type: 'contains' }
  /** The expected cell is a regular expression the answer must match (case-insensitive). */
  | { readonly type: 'regex' }
  /** The first number in the answer is within `tolerance` of the expected number (`relative`: a fraction of it). */
  | { readonly type: 'numeric'; readonly tolerance: number; readonly relative: boolean }
  | { readonly type: 'judge'; readonly model?: string };

export type GraderName = Grader['type'];
export const graderNames: readonly GraderName[] = ['exact', 'normalized', 'contains', 'regex', 'numeric', 'judge'];

export type Grade = { readonly pass: boolean } | { readonly error: string };

/** Builds a grader from the command's options; `tolerance` is `0.01` (absolute) or `1%` (relative). */
export function parseGrader(name: string, tolerance?: string, judgeModel?: string): Result<Grader> {
  switch (name) {
    case 'exact':
    case 'normalized':
    case 'contains':
    case 'regex':
      return ok({ type: name });
    case 'numeric': {
      const text = (tolerance ?? '0').trim();
      const relative = text.endsWith('%');
      const n = Number(relative ? text.slice(0, -1) : text);
      if (!Number.isFinite(n) || n < 0) {
        return err(
          appError(
            'bench.bad_tolerance',
            `The tolerance “${text}” is not a number.`,
            'Give an absolute tolerance like `tolerance:0.01` or a relative one like `tolerance:2%`.',
          ),
        );
      }
      return ok({ type: 'numeric', tolerance: relative ? n / 100 : n, relative });
    }
    case 'judge':
      return ok(judgeModel === undefined ? { type: 'judge' } : { type: 'judge', model: judgeModel });
    default:
      return err(appError('bench.bad_grader', `“${name}” is not a grader.`, `Use one of: ${graderNames.join(', ')}.`));
  }
}

/** Grades one answer with a deterministic grader. */
export function grade(grader: Exclude<Grader, { type: 'judge' }>, answer: string, expected: string): Grade {
  switch (grader.type) {
    case 'exact':
      return { pass: answer === expected };
    case 'normalized':
      return { pass: normalizeText(answer) === normalizeText(expected) };
    case 'contains':
      return { pass: normalizeText(answer).includes(normalizeText(expected)) };
    case 'regex':
      return gradeRegex(answer, expected);
    case 'numeric':
      return gradeNumeric(grader, answer, expected);
  }
}

function gradeRegex(answer: string, pattern: string): Grade {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'iu');
  } catch {
    return { error: `the expected cell /${pattern}/ is not a valid regular expression` };
  }
  return { pass: re.test(answer) };
}

const FIRST_NUMBER = /[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** The first number written in a text ("about 1,250.5 km" -> 1250.5), or undefined. */
export function firstNumber(text: string): number | undefined {
  for (const match of text.matchAll(FIRST_NUMBER)) {
    if (!/\d/.test(match[0])) continue;
    const n = Number(match[0].replaceAll(',', ''));
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function gradeNumeric(grader: { tolerance: number; relative: boolean }, answer: string, expected: string): Grade {
  const want = firstNumber(expected);
  if (want === undefined) return { error: `the expected cell “${expected}” holds no number` };
  const got = firstNumber(answer);
  if (got === undefined) return { pass: false };
  const allowed = grader.relative ? Math.abs(want) * grader.tolerance : grader.tolerance;
  return { pass: Math.abs(got - want) <= allowed + Number.EPSILON * Math.max(1, Math.abs(want)) };
}
