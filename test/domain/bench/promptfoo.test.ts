import { describe, expect, it } from 'vitest';
import { checkAssertion, gradeRow, parseAssertion, promptfooLayout } from '../../../src/domain/bench/promptfoo.ts';

const check = (answer: string, cell: string) => {
  const a = parseAssertion(cell);
  return 'error' in a ? a : checkAssertion(answer, a);
};

describe('promptfoo assertions (site/docs/configuration/expected-outputs)', () => {
  it.each([
    // A bare value means equals (the docs' `__expected` example: "Paris").
    ['Paris', 'Paris', true],
    ['paris', 'Paris', false],
    ['The capital is Paris', 'equals:The capital is Paris', true],
    // contains is case-sensitive; icontains is not.
    ['The capital is Paris', 'contains:Paris', true],
    ['The capital is Paris', 'contains:paris', false],
    ['The capital is Paris', 'icontains:paris', true],
    ['The capital is Lyon', 'not-contains:Paris', true],
    ['red, green', 'contains-any:blue,green', true],
    ['red, green', 'contains-all:red,blue', false],
    ['RED, GREEN', 'icontains-all:red,green', true],
    ['Yes, indeed', 'starts-with:Yes', true],
    ['yes, indeed', 'starts-with:Yes', false],
    ['Answer: 42', 'regex:^Answer:\\s*\\d+$', true],
    ['{"a": 1}', 'is-json', true],
    ['{"a": 1', 'is-json', false],
    ['Here it is: ```json\n{"a": [1, 2]}\n```', 'contains-json', true],
    ['no json here', 'contains-json', false],
    ['about 3.14', 'numeric(0.01):3.14159', true],
    ['1030', 'numeric(2%):1000', false],
    ['x', 'not-is-json', true],
  ])('%j against %j -> %s', (answer, cell, pass) => {
    expect(check(answer, cell)).toEqual({ pass });
  });

  it('names the assertions that need a model or code instead of guessing', () => {
    expect(check('x', 'javascript:output.length > 3')).toEqual({ error: expect.stringContaining('`javascript`') });
    expect(check('x', 'llm-rubric:is polite')).toEqual({ error: expect.stringContaining('offline') });
    expect(check('x', 'similar(0.8):hello')).toEqual({ error: expect.stringContaining('`similar`') });
    expect(check('x', 'regex:([')).toEqual({ error: expect.stringContaining('not a valid regular expression') });
  });
});

describe('promptfoo rows', () => {
  it('finds the special columns and the variables', () => {
    // Every special column of promptfoo's CSV format (site/docs/configuration/test-cases.md) in one header.
    const layout = promptfooLayout([
      'language',
      'input',
      '__expected1',
      '__expected2',
      '__threshold',
      '__description',
      '__metadata:tags',
    ]);
    expect(layout).toEqual({
      expected: [2, 3],
      threshold: 4,
      description: 5,
      metadata: [{ key: 'tags', index: 6 }],
      variables: [0, 1],
    });
    expect(promptfooLayout(['prompt', 'expected'])).toBeUndefined();
  });

  it('passes a row when every assertion passes, or when the share reaches __threshold', () => {
    const cells = ['icontains:bonjour', 'not-contains:hello', 'starts-with:Hi'];
    expect(gradeRow('Bonjour!', cells)).toMatchObject({ pass: false, score: 2 / 3, failed: ['starts-with:Hi'] });
    expect(gradeRow('Bonjour!', cells, '0.6')).toMatchObject({ pass: true });
    expect(gradeRow('Bonjour!', cells, '0.7')).toMatchObject({ pass: false });
    expect(gradeRow('Hi, bonjour', cells)).toMatchObject({ pass: true, score: 1 });
  });

  it('skips blank cells and reports a row whose assertions cannot run', () => {
    expect(gradeRow('yes', ['', 'yes', ''])).toMatchObject({ pass: true, score: 1 });
    expect(gradeRow('yes', ['python:file://x.py'])).toMatchObject({ pass: false, error: expect.any(String) });
  });
});
