import { describe, expect, it } from 'vitest';
import { pickScoreColumns } from '../../../src/domain/bench/score-columns.ts';

/** Rows of `text, expected, predicted` where the prediction is right 3 times in 4. */
const sample = (n = 40) =>
  Array.from({ length: n }, (_, i) => {
    const label = ['positivo', 'negativo', 'neutro'][i % 3] ?? '';
    return [`frase número ${i}, única`, label, i % 4 === 0 ? 'negativo' : label];
  });
const pick = (header: string[], rows = sample(), named = {}) => pickScoreColumns(header, rows, named);

describe('pickScoreColumns', () => {
  it.each([
    ['en', ['sentence', 'expected', 'predicted']],
    ['pt', ['frase', 'esperado', 'previsto']],
    ['es', ['oración', 'etiqueta', 'predicción']],
    ['fr', ['phrase', 'étiquette attendue', 'prédiction']],
    ['de', ['Satz', 'Erwartet', 'Vorhersage']],
  ])('finds expected and prediction by content, oriented by %s header names', (_, header) => {
    expect(pick(header)).toEqual({ ok: true, value: { expected: 1, prediction: 2 } });
    // The same columns in another order: content finds the pair, names still say which is which.
    const swapped = [header[2] ?? '', header[0] ?? '', header[1] ?? ''];
    const rows = sample().map(([t, e, p]) => [p ?? '', t ?? '', e ?? '']);
    expect(pick(swapped, rows)).toEqual({ ok: true, value: { expected: 2, prediction: 0 } });
  });

  it('takes the label pair over another column whose name merely fits (a numeric id called "resultado")', () => {
    const rows = sample().map(([t, e, p], i) => [String(1000 + i), t ?? '', e ?? '', p ?? '']);
    expect(pick(['resultado', 'texto', 'gabarito', 'saída do modelo'], rows)).toEqual({
      ok: true,
      value: { expected: 2, prediction: 3 },
    });
  });

  it('with one column named by the user, finds its partner by content', () => {
    const rows = sample().map(([t, e, p]) => [t ?? '', e ?? '', p ?? '']);
    expect(pick(['a', 'b', 'c'], rows, { expected: 'b' })).toEqual({ ok: true, value: { expected: 1, prediction: 2 } });
    expect(pick(['a', 'b', 'c'], rows, { prediction: '2' })).toEqual({
      ok: true,
      value: { expected: 2, prediction: 1 },
    });
  });

  it('names every missing role in one message, with numbered columns, when the names do not orient the pair', () => {
    const result = pick(['col_a', 'col_b', 'col_c']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bench.ambiguous_column');
    expect(result.error.message).toBe(
      'I could not tell which column holds the expected values and the predictions. Columns 2. “col_b”, 3. “col_c” hold the same kind of labels, and their names do not say which is which. Columns found: 1. “col_a”, 2. “col_b”, 3. “col_c”.',
    );
    expect(result.error.hint).toBe('Name them by header or number, e.g. `expected:2` `prediction:3`.');
  });

  it('says both roles are missing at once when nothing looks like labels', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`text ${i}`, String(i * 1.5)]);
    const result = pick(['sentence', 'score'], rows);
    expect(!result.ok && result.error).toMatchObject({
      code: 'bench.missing_column',
      message: expect.stringContaining('the expected values and the predictions'),
    });
    expect(!result.ok && result.error.message).toContain('1. “sentence”, 2. “score”');
  });

  it('refuses a column named twice, and names every misspelt column in one message', () => {
    expect(pick(['a', 'b'], [], { expected: 'a', prediction: '1' })).toMatchObject({
      ok: false,
      error: { code: 'bench.same_column' },
    });
    const typo = pick(['frase', 'esperado', 'previsto'], [], { expected: 'esperada', prediction: 'prevista' });
    expect(!typo.ok && typo.error.message).toBe(
      'There is no column “esperada” for expected. There is no column “prevista” for prediction. Columns found: 1. “frase”, 2. “esperado”, 3. “previsto”.',
    );
  });

  it('keeps to the names when a tiny file gives content nothing to go on', () => {
    expect(pick(['id', 'prediction', 'expected'], [['1', 'a', 'b']])).toEqual({
      ok: true,
      value: { expected: 2, prediction: 1 },
    });
  });
});
