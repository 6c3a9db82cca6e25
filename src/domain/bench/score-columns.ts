import { appError, err, ok, type Result } from '../result.ts';
import { findColumn, nameScore } from './columns.ts';
import { normalizeText } from './normalize.ts';

export interface ScoreColumns {
  readonly expected: number;
  readonly prediction: number;
}

/** A column with more distinct values than this in the sample is free text or ids, not labels. */
const MAX_LABELS = 50;
/** Weight of the content evidence against a header name (a name counts 1 or 2 per column). */
const CONTENT_WEIGHT = 3;
/** Below this, two columns' values have too little in common to be labels and their predictions. */
const MIN_CONTENT = 0.3;

/**
 * Score mode's two columns. Columns the user named win; the rest are found by content first: expected values and
 * predictions share a small label set, so the pair of label-like columns whose values overlap most (same set, same
 * value on many rows) is the pair. Header names in five languages orient it (which one is expected) and break ties.
 * When that leaves a doubt, one error names every role still missing, with the numbered columns.
 */
export function pickScoreColumns(
  header: readonly string[],
  sample: readonly (readonly string[])[],
  named: { readonly expected?: string | undefined; readonly prediction?: string | undefined },
): Result<ScoreColumns> {
  const fixedExpected = named.expected === undefined ? undefined : findColumn(header, 'expected', named.expected);
  const fixedPrediction =
    named.prediction === undefined ? undefined : findColumn(header, 'prediction', named.prediction);
  const refused = [fixedExpected, fixedPrediction].flatMap((r) => (r && !r.ok ? [r.error] : []));
  if (refused[0]) {
    return err({
      ...refused[0],
      message: refused.map((e) => e.message.replace(/ Columns found.*$/, '')).join(' ') + ` ${listed(header)}`,
    });
  }
  const e0 = fixedExpected?.ok ? fixedExpected.value : undefined;
  const p0 = fixedPrediction?.ok ? fixedPrediction.value : undefined;
  if (e0 !== undefined && e0 === p0) {
    return err(appError('bench.same_column', `“${header[e0]}” cannot be both the prediction and the expected column.`));
  }
  if (e0 !== undefined && p0 !== undefined) return ok({ expected: e0, prediction: p0 });

  const similarity = contentSimilarity(header.length, sample);
  const pairs: { e: number; p: number; score: number; content: number; named: boolean }[] = [];
  for (let e = 0; e < header.length; e++) {
    for (let p = 0; p < header.length; p++) {
      if (e === p || (e0 !== undefined && e !== e0) || (p0 !== undefined && p !== p0)) continue;
      const content = similarity(e, p);
      const he = header[e] ?? '';
      const hp = header[p] ?? '';
      const names =
        nameScore(he, 'expected') +
        nameScore(hp, 'prediction') -
        nameScore(he, 'prediction') -
        nameScore(hp, 'expected');
      const byName =
        (e0 !== undefined || nameScore(he, 'expected') > 0) && (p0 !== undefined || nameScore(hp, 'prediction') > 0);
      pairs.push({ e, p, content, score: CONTENT_WEIGHT * content + names, named: byName });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const [best, runner] = pairs;
  const evident = best && (best.content >= MIN_CONTENT || best.named);
  if (best && evident && (!runner || best.score - runner.score >= 0.5)) {
    return ok({ expected: best.e, prediction: best.p });
  }
  return err(unsure(header, { e0, p0 }, evident && best && runner ? [best, runner] : []));
}

/** One message for every role still missing, naming the candidates when two tied. */
function unsure(
  header: readonly string[],
  fixed: { e0: number | undefined; p0: number | undefined },
  tied: readonly { e: number; p: number }[],
) {
  const missing = [fixed.e0 === undefined ? 'expected' : '', fixed.p0 === undefined ? 'prediction' : ''].filter(
    Boolean,
  );
  const roles = missing.map((r) => (r === 'expected' ? 'the expected values' : 'the predictions')).join(' and ');
  const candidates = [...new Set(tied.flatMap(({ e, p }) => [e, p]))].sort((a, b) => a - b);
  const example = missing.map((r, i) => `\`${r}:${(candidates[i] ?? i + 1) + 1}\``).join(' ');
  const doubt =
    candidates.length > 0
      ? ` Columns ${candidates.map((i) => `${i + 1}. “${header[i]}”`).join(', ')} hold the same kind of labels, and their names do not say which is which.`
      : '';
  return appError(
    candidates.length > 0 ? 'bench.ambiguous_column' : 'bench.missing_column',
    `I could not tell which column holds ${roles}.${doubt} ${listed(header)}`,
    `Name ${missing.length > 1 ? 'them' : 'it'} by header or number, e.g. ${example}.`,
  );
}

const listed = (header: readonly string[]): string =>
  `Columns found: ${header.map((h, i) => `${i + 1}. “${h}”`).join(', ')}.`;

/**
 * How much two columns look like labels and their predictions, in [0, 1]: the mean of the overlap of their value
 * sets (Jaccard) and the share of sample rows where they agree; 0 unless both have a small set of values.
 */
function contentSimilarity(width: number, sample: readonly (readonly string[])[]): (a: number, b: number) => number {
  const keys = sample.map((row) => Array.from({ length: width }, (_, i) => normalizeText(row[i] ?? '')));
  const sets = Array.from({ length: width }, (_, i) => {
    const values = keys.map((row) => row[i] ?? '').filter((v) => v !== '');
    const set = new Set(values);
    const small = values.length > 0 && set.size <= MAX_LABELS && (values.length < 20 || set.size <= values.length / 2);
    return small ? set : undefined;
  });
  return (a, b) => {
    const sa = sets[a];
    const sb = sets[b];
    if (!sa || !sb) return 0;
    let shared = 0;
    for (const v of sa) if (sb.has(v)) shared++;
    const jaccard = shared / (sa.size + sb.size - shared);
    let both = 0;
    let agree = 0;
    for (const row of keys) {
      const va = row[a] ?? '';
      const vb = row[b] ?? '';
      if (va === '' || vb === '') continue;
      both++;
      if (va === vb) agree++;
    }
    return (jaccard + (both === 0 ? 0 : agree / both)) / 2;
  };
}
