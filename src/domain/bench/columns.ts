import { appError, err, ok, type Result } from '../result.ts';

/** The role a column plays in a bench file. */
export type ColumnRole = 'prediction' | 'expected' | 'prompt';

/**
 * Header names for each role in English, Portuguese, Spanish, French and German (compared without case, accents,
 * spaces, dashes and underscores). `squash` folds accents, so "previsão" is listed as "previsao".
 */
const NAMES: Readonly<Record<ColumnRole, readonly string[]>> = {
  prediction: [
    // en
    'prediction',
    'predicted',
    'pred',
    'output',
    'response',
    'modeloutput',
    'predictedlabel',
    'completion',
    'result',
    // pt
    'previsto',
    'prevista',
    'previsao',
    'predicao',
    'predito',
    'saida',
    'resultado',
    'rotuloprevisto',
    // es
    'prediccion',
    'predicho',
    'salida',
    'etiquetapredicha',
    // fr
    'predit',
    'predite',
    'sortie',
    'resultat',
    'reponsedumodele',
    // de
    'vorhersage',
    'vorhergesagt',
    'prognose',
    'ausgabe',
    'ergebnis',
  ],
  expected: [
    // en
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
    'actual',
    'truelabel',
    // pt
    'esperado',
    'esperada',
    'rotulo',
    'gabarito',
    'resposta',
    'alvo',
    'real',
    'verdadeiro',
    'correto',
    'referencia',
    // es
    'etiqueta',
    'respuesta',
    'objetivo',
    'verdadero',
    'correcto',
    // fr
    'attendu',
    'attendue',
    'etiquette',
    'reponse',
    'cible',
    'verite',
    'reel',
    'reelle',
    // de
    'erwartet',
    'erwartung',
    'sollwert',
    'soll',
    'zielwert',
    'ziel',
    'antwort',
    'wahrheit',
    'referenz',
  ],
  prompt: [
    // en
    'prompt',
    'input',
    'question',
    'query',
    'text',
    'sentence',
    'instruction',
    // pt
    'frase',
    'texto',
    'pergunta',
    'entrada',
    'consulta',
    // es
    'pregunta',
    'oracion',
    // fr
    'phrase',
    'texte',
    'entree',
    'requete',
    // de
    'satz',
    'frage',
    'eingabe',
    'anfrage',
  ],
};

const OPTION: Readonly<Record<ColumnRole, string>> = {
  prediction: 'prediction',
  expected: 'expected',
  prompt: 'prompt',
};

const fold = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
const squash = (name: string): string => fold(name).replace(/[\s_\-.:?()]+/g, '');
const words = (name: string): string[] =>
  fold(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** How strongly a header names a role: 2 when it is one of the role's names, 1 when one of its words is, else 0. */
export function nameScore(header: string, role: ColumnRole): number {
  const names = NAMES[role];
  if (names.includes(squash(header))) return 2;
  return words(header).some((w) => names.includes(w)) ? 1 : 0;
}

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
  let matches = free.filter(({ h }) => nameScore(h, role) === 2);
  if (matches.length === 0) matches = free.filter(({ h }) => nameScore(h, role) === 1);
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
