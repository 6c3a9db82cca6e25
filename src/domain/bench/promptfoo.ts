import { firstNumber } from './graders.ts';

/**
 * promptfoo's CSV test format, read as promptfoo reads it (site/docs/configuration/test-cases.md,
 * expected-outputs/index.md): every plain column is a variable; `__expected` and `__expected1..N` hold one assertion
 * each (`type:value`, `type(threshold):value`, `not-type:value`, a bare value means equals); `__threshold` is the
 * share of assertions a row must pass (all of them when blank); `__description`, `__prefix`, `__suffix` and
 * `__metadata:<key>` columns are carried through. Only assertions that can run offline are supported; model-graded
 * and code assertions (javascript, python, llm-rubric, similar…) are reported as not run, never guessed.
 */
export interface PromptfooLayout {
  /** Indices of the `__expected…` columns, in header order. */
  readonly expected: readonly number[];
  readonly description?: number;
  readonly threshold?: number;
  readonly prefix?: number;
  readonly suffix?: number;
  /** `__metadata:<key>` columns: the key and its index. */
  readonly metadata: readonly { readonly key: string; readonly index: number }[];
  /** Plain columns: the prompt variables. */
  readonly variables: readonly number[];
}

const EXPECTED = /^__expected(\d*)$/;

/** The promptfoo columns of a header, or undefined when it has no `__expected` column. */
export function promptfooLayout(header: readonly string[]): PromptfooLayout | undefined {
  const names = header.map((h) => h.trim());
  const expected = names.flatMap((h, i) => (EXPECTED.test(h) ? [i] : []));
  if (expected.length === 0) return undefined;
  const at = (name: string): number | undefined => {
    const i = names.indexOf(name);
    return i >= 0 ? i : undefined;
  };
  const optional = (key: 'description' | 'threshold' | 'prefix' | 'suffix') => {
    const i = at(`__${key}`);
    return i === undefined ? {} : { [key]: i };
  };
  return {
    expected,
    ...optional('description'),
    ...optional('threshold'),
    ...optional('prefix'),
    ...optional('suffix'),
    metadata: names.flatMap((h, index) =>
      h.startsWith('__metadata:') ? [{ key: h.slice('__metadata:'.length), index }] : [],
    ),
    variables: names.flatMap((h, i) => (h.startsWith('__') ? [] : [i])),
  };
}

export type AssertionType =
  | 'equals'
  | 'contains'
  | 'icontains'
  | 'contains-any'
  | 'contains-all'
  | 'icontains-any'
  | 'icontains-all'
  | 'starts-with'
  | 'regex'
  | 'is-json'
  | 'contains-json'
  | 'numeric';

export interface Assertion {
  readonly type: AssertionType;
  readonly value: string;
  readonly negate: boolean;
  /** `numeric(0.1)` / `numeric(2%)`: the tolerance. */
  readonly tolerance?: { readonly amount: number; readonly relative: boolean };
}

/** Assertion types promptfoo has that need a model, code or the network: named so the report can say why. */
const NOT_OFFLINE = new Set([
  'javascript',
  'fn',
  'python',
  'ruby',
  'webhook',
  'llm-rubric',
  'grade',
  'factuality',
  'similar',
  'classifier',
  'moderation',
  'answer-relevance',
  'model-graded-closedqa',
  'g-eval',
  'file',
]);

const CELL =
  /^(not-)?(equals|contains-any|contains-all|icontains-any|icontains-all|icontains|contains-json|contains|starts-with|regex|is-json|numeric)(?:\(([\d.]+%?)\))?(?::([\s\S]*))?$/;

/** Parses one `__expected` cell; an assertion promptfoo has but /bench cannot run offline is an error value. */
export function parseAssertion(cell: string): Assertion | { readonly error: string } {
  const match = CELL.exec(cell);
  if (!match) {
    const prefix = /^(?:not-)?([a-z-]+)(?:\([^)]*\))?:/.exec(cell)?.[1];
    if (prefix && NOT_OFFLINE.has(prefix)) {
      return { error: `\`${prefix}\` assertions need a model or code: /bench runs offline assertions only` };
    }
    return { type: 'equals', value: cell, negate: false };
  }
  const [, not, type = 'equals', threshold, value = ''] = match;
  const base = { type: type as AssertionType, value, negate: not !== undefined };
  if (type !== 'numeric') return base;
  const text = threshold ?? '0';
  const relative = text.endsWith('%');
  const amount = Number(relative ? text.slice(0, -1) : text);
  return { ...base, tolerance: { amount: relative ? amount / 100 : amount, relative } };
}

export type AssertionResult = { readonly pass: boolean } | { readonly error: string };

/** Evaluates one assertion against a model answer, with promptfoo's semantics (case-sensitive unless `i…`). */
export function checkAssertion(answer: string, a: Assertion): AssertionResult {
  const result = rawCheck(answer, a);
  return 'error' in result || !a.negate ? result : { pass: !result.pass };
}

function rawCheck(answer: string, a: Assertion): AssertionResult {
  const list = () =>
    a.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const lower = answer.toLowerCase();
  switch (a.type) {
    case 'equals':
      return { pass: answer.trim() === a.value.trim() };
    case 'contains':
      return { pass: answer.includes(a.value) };
    case 'icontains':
      return { pass: lower.includes(a.value.toLowerCase()) };
    case 'contains-any':
      return { pass: list().some((v) => answer.includes(v)) };
    case 'contains-all':
      return { pass: list().every((v) => answer.includes(v)) };
    case 'icontains-any':
      return { pass: list().some((v) => lower.includes(v.toLowerCase())) };
    case 'icontains-all':
      return { pass: list().every((v) => lower.includes(v.toLowerCase())) };
    case 'starts-with':
      return { pass: answer.startsWith(a.value) };
    case 'regex':
      try {
        return { pass: new RegExp(a.value).test(answer) };
      } catch {
        return { error: `/${a.value}/ is not a valid regular expression` };
      }
    case 'is-json':
      return { pass: parsesAsJson(answer.trim()) };
    case 'contains-json':
      return { pass: containsJson(answer) };
    case 'numeric': {
      const want = firstNumber(a.value);
      if (want === undefined) return { error: `numeric expects a number, got “${a.value}”` };
      const got = firstNumber(answer);
      if (got === undefined) return { pass: false };
      const t = a.tolerance ?? { amount: 0, relative: false };
      const allowed = t.relative ? Math.abs(want) * t.amount : t.amount;
      return { pass: Math.abs(got - want) <= allowed + Number.EPSILON * Math.max(1, Math.abs(want)) };
    }
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Some `{…}` or `[…]` inside the text parses as JSON (fenced code blocks included). */
function containsJson(text: string): boolean {
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const close = open === '{' ? '}' : ']';
    for (let end = text.lastIndexOf(close); end > start; end = text.lastIndexOf(close, end - 1)) {
      if (parsesAsJson(text.slice(start, end + 1))) return true;
    }
  }
  return false;
}

export interface RowVerdict {
  readonly pass: boolean;
  /** Share of the row's assertions that passed (promptfoo's unweighted score). */
  readonly score: number;
  /** Assertions that failed or could not run, for the results CSV. */
  readonly failed: readonly string[];
  /** Each assertion that ran, by type, for pass rates per assertion type. */
  readonly results: readonly { readonly type: string; readonly pass: boolean }[];
  /** Set when no assertion of the row could run. */
  readonly error?: string;
}

/**
 * Grades one answer against a row's assertions: the row passes when the share passed reaches `__threshold`
 * (a number 0..1), or when every assertion passes if the row has none. Blank cells are skipped, as promptfoo does.
 */
export function gradeRow(answer: string, cells: readonly string[], thresholdCell?: string): RowVerdict {
  const failed: string[] = [];
  const results: { type: string; pass: boolean }[] = [];
  let passed = 0;
  let ran = 0;
  let lastError: string | undefined;
  for (const cell of cells) {
    if (cell.trim() === '') continue;
    const assertion = parseAssertion(cell);
    const result = 'error' in assertion ? assertion : checkAssertion(answer, assertion);
    if ('error' in assertion || 'error' in result) {
      lastError = 'error' in result ? result.error : undefined;
      failed.push(`${cell} (${lastError})`);
      continue;
    }
    ran++;
    results.push({ type: `${assertion.negate ? 'not-' : ''}${assertion.type}`, pass: result.pass });
    if (result.pass) passed++;
    else failed.push(cell);
  }
  if (ran === 0) return { pass: false, score: 0, failed, results, error: lastError ?? 'no assertion in this row' };
  const score = passed / ran;
  const threshold = thresholdCell === undefined || thresholdCell.trim() === '' ? Number.NaN : Number(thresholdCell);
  const pass = Number.isFinite(threshold) ? score >= threshold : passed === ran;
  return { pass, score, failed, results };
}
