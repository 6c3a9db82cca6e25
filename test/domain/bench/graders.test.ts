import { describe, expect, it } from 'vitest';
import { findColumn } from '../../../src/domain/bench/columns.ts';
import { csvCell, csvLine } from '../../../src/domain/bench/csv-escape.ts';
import { firstNumber, grade, parseGrader } from '../../../src/domain/bench/graders.ts';
import { percentile, progressBar } from '../../../src/domain/bench/stats.ts';
import { compileTemplate, fillTemplate } from '../../../src/domain/bench/template.ts';

describe('graders', () => {
  it('exact, normalized and contains', () => {
    expect(grade({ type: 'exact' }, 'Paris', 'Paris')).toEqual({ pass: true });
    expect(grade({ type: 'exact' }, 'paris', 'Paris')).toEqual({ pass: false });
    expect(grade({ type: 'normalized' }, ' paris. ', 'Paris')).toEqual({ pass: true });
    expect(grade({ type: 'contains' }, 'The capital is Paris!', 'paris')).toEqual({ pass: true });
    expect(grade({ type: 'contains' }, 'Lyon', 'paris')).toEqual({ pass: false });
  });

  it('regex: the expected cell is the pattern; a bad pattern is a row error, not a crash', () => {
    expect(grade({ type: 'regex' }, 'Answer: 42', '^answer:\\s*4\\d$')).toEqual({ pass: true });
    expect(grade({ type: 'regex' }, 'x', '(')).toEqual({
      error: expect.stringContaining('not a valid regular expression'),
    });
  });

  it('numeric with absolute and relative tolerance', () => {
    const abs = parseGrader('numeric', '0.05');
    const rel = parseGrader('numeric', '2%');
    if (!abs.ok || !rel.ok || abs.value.type !== 'numeric' || rel.value.type !== 'numeric') throw new Error('parse');
    expect(grade(abs.value, 'about 3.14 I think', '3.1')).toEqual({ pass: true });
    expect(grade(abs.value, '3.2', '3.1')).toEqual({ pass: false });
    expect(grade(rel.value, 'It is 1,010 km', '1000')).toEqual({ pass: true });
    expect(grade(rel.value, '1030', '1000')).toEqual({ pass: false });
    expect(grade(abs.value, 'no idea', '3')).toEqual({ pass: false });
    expect(grade(abs.value, '3', 'n/a')).toEqual({ error: expect.stringContaining('holds no number') });
    expect(firstNumber('total: -1.5e3 units')).toBe(-1500);
  });

  it('rejects unknown graders and bad tolerances with the fix', () => {
    const g = parseGrader('fuzzy');
    expect(!g.ok && g.error.hint).toContain('exact, normalized, contains, regex, numeric, judge');
    const t = parseGrader('numeric', 'abc');
    expect(!t.ok && t.error.code).toBe('bench.bad_tolerance');
  });
});

describe('csvCell', () => {
  it('escapes formula starters and quotes what needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1 (555) call me')).toBe("'+1 (555) call me");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvCell('\tTAB')).toBe("'\tTAB");
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvLine([1, 'x', undefined, true])).toBe('1,x,,true\r\n');
  });
});

describe('findColumn', () => {
  const header = ['id', 'Ground Truth', 'model_output', 'notes'];
  it('detects common names and takes named columns by header or number', () => {
    expect(findColumn(header, 'expected', undefined)).toEqual({ ok: true, value: 1 });
    expect(findColumn(header, 'prediction', undefined)).toEqual({ ok: true, value: 2 });
    expect(findColumn(header, 'prediction', 'NOTES')).toEqual({ ok: true, value: 3 });
    expect(findColumn(header, 'prediction', '#4')).toEqual({ ok: true, value: 3 });
  });

  it('names the columns found when one is missing, ambiguous or misspelt', () => {
    const missing = findColumn(['sentence', 'score'], 'prediction', undefined);
    expect(!missing.ok && missing.error).toMatchObject({ code: 'bench.missing_column' });
    expect(!missing.ok && missing.error.message).toContain('1. “sentence”, 2. “score”');
    expect(!missing.ok && missing.error.hint).toContain('prediction:<column>');
    const ambiguous = findColumn(['output', 'response', 'label'], 'prediction', undefined);
    expect(!ambiguous.ok && ambiguous.error.code).toBe('bench.ambiguous_column');
    expect(!ambiguous.ok && ambiguous.error.message).toContain('“output”, “response”');
    const typo = findColumn(header, 'expected', 'lable');
    expect(!typo.ok && typo.error.message).toContain('no column “lable”');
  });
});

describe('templates', () => {
  it('fills {column} and {{column}} placeholders', () => {
    const t = compileTemplate('Sentiment of {sentence}? Context: {{ topic }}', ['sentence', 'Topic']);
    if (!t.ok) throw new Error(t.error.message);
    expect(fillTemplate(t.value, ['great film', 'movies'])).toBe('Sentiment of great film? Context: movies');
  });

  it('rejects unknown placeholders and templates without any', () => {
    const bad = compileTemplate('Q: {question}', ['sentence']);
    expect(!bad.ok && bad.error.message).toContain('{question}');
    const none = compileTemplate('Always the same', ['sentence']);
    expect(!none.ok && none.error.code).toBe('bench.bad_template');
  });
});

describe('stats', () => {
  it('nearest-rank percentiles and a progress bar', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(percentile([], 50)).toBeUndefined();
    expect(progressBar(0.5, 10)).toBe('▓▓▓▓▓░░░░░');
  });
});
