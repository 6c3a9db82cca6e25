import { describe, expect, it } from 'vitest';
import { parseLabelMapping } from '../../../src/domain/bench/labels.ts';
import { computeMetrics } from '../../../src/domain/bench/metrics.ts';
import { compareKey, normalizeText } from '../../../src/domain/bench/normalize.ts';
import { Tally } from '../../../src/domain/bench/tally.ts';

describe('normalizeText', () => {
  it.each([
    ['Positive.', 'positive'],
    ['  NEGATIVE  ', 'negative'],
    ['not   so\tgood!', 'not so good'],
    ['1.0', '1'],
    ['007', '7'],
    ['-2.50', '-2.5'],
    ['Sim, claro', 'sim claro'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('leaves exact comparison alone', () => {
    expect(compareKey(' Yes', 'exact')).toBe(' Yes');
  });
});

describe('parseLabelMapping', () => {
  it('maps names and aliases to classes after normalisation', () => {
    const m = parseLabelMapping('pos=1|Positive, neg=0|negative', 'normalized');
    expect(m.ok && m.value.classes).toEqual(['pos', 'neg']);
    expect(m.ok && [...m.value.lookup]).toEqual([
      ['pos', 'pos'],
      ['1', 'pos'],
      ['positive', 'pos'],
      ['neg', 'neg'],
      ['0', 'neg'],
      ['negative', 'neg'],
    ]);
  });

  it('rejects a value given to two classes, and a single class', () => {
    const twice = parseLabelMapping('pos=1,neg=1', 'normalized');
    expect(!twice.ok && twice.error.code).toBe('bench.bad_labels');
    expect(!twice.ok && twice.error.message).toContain('both pos and neg');
    const one = parseLabelMapping('pos=1', 'normalized');
    expect(!one.ok && one.error.message).toContain('at least two classes');
  });
});

describe('computeMetrics', () => {
  // Checked with scikit-learn: y_true = [a,a,a,b,b,c], y_pred = [a,a,b,b,c,c]
  // accuracy 4/6; precision a=1, b=.5, c=.5; recall a=.667, b=.5, c=1; f1 a=.8, b=.5, c=.667; macro .6556
  it('matches scikit-learn on a three-class example', () => {
    const tally = new Tally();
    const pairs: [string, string][] = [
      ['a', 'a'],
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'b'],
      ['b', 'c'],
      ['c', 'c'],
    ];
    for (const [e, p] of pairs) tally.add(e, p, e === p);
    tally.addBlank();
    tally.addUnmatched();
    const m = computeMetrics(tally.counts());
    expect(m).toMatchObject({ total: 8, scored: 6, correct: 4, blank: 1, unmatched: 1 });
    expect(m.accuracy).toBeCloseTo(4 / 6, 10);
    expect(m.classes?.map((c) => [c.label, c.precision, c.recall, c.support])).toEqual([
      ['a', 1, 2 / 3, 3],
      ['b', 0.5, 0.5, 2],
      ['c', 0.5, 1, 1],
    ]);
    expect(m.classes?.map((c) => Number(c.f1.toFixed(4)))).toEqual([0.8, 0.5, 0.6667]);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10);
    expect(m.matrix).toEqual({
      labels: ['a', 'b', 'c'],
      counts: [
        [2, 1, 0],
        [0, 1, 1],
        [0, 0, 1],
      ],
    });
  });

  it('counts a class never predicted as precision 0 (zero_division=0), and keeps the mapping order', () => {
    const tally = new Tally();
    tally.add('pos', 'neg', false);
    tally.add('neg', 'neg', true);
    const m = computeMetrics(tally.counts(), ['pos', 'neg']);
    expect(m.matrix?.labels).toEqual(['pos', 'neg']);
    expect(m.classes?.[0]).toMatchObject({ label: 'pos', precision: 0, recall: 0, f1: 0 });
  });

  it('drops the matrix past the label limit but keeps accuracy', () => {
    const tally = new Tally(3);
    for (let i = 0; i < 10; i++) tally.add(`e${i}`, i % 2 ? `e${i}` : 'x', i % 2 === 1);
    const m = computeMetrics(tally.counts());
    expect(m.matrix).toBeUndefined();
    expect(m.accuracy).toBe(0.5);
  });
});
