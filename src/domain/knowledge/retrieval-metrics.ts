import type { KbHit } from './types.ts';

/** One evaluation question: where its answer is, as `doc.md` or `doc.md#Section` (the last heading). */
export interface RetrievalCase {
  readonly question: string;
  readonly expectedSource: string;
}

export interface CaseResult {
  readonly question: string;
  readonly expectedSource: string;
  /** 1-based rank of the first hit from the expected source; undefined when not retrieved. */
  readonly rank: number | undefined;
  readonly topSources: readonly string[];
}

export interface RetrievalScore {
  readonly k: number;
  readonly cases: number;
  /** Share of questions whose expected source is in the top k. */
  readonly recallAtK: number;
  /** Mean reciprocal rank of the expected source (0 for a miss within the retrieved list). */
  readonly mrr: number;
  readonly misses: readonly CaseResult[];
}

/** `menu.md#Tiramisu` matches a hit from menu.md whose section ends with "Tiramisu"; `menu.md` any hit from it. */
export function hitMatches(expected: string, hit: Pick<KbHit, 'source' | 'section'>): boolean {
  const at = expected.indexOf('#');
  const source = (at < 0 ? expected : expected.slice(0, at)).trim().toLowerCase();
  if (hit.source.toLowerCase() !== source) return false;
  if (at < 0) return true;
  const section = expected
    .slice(at + 1)
    .trim()
    .toLowerCase();
  const parts = hit.section.toLowerCase().split(' › ');
  return parts.at(-1) === section || hit.section.toLowerCase() === section;
}

export function rankOf(expected: string, hits: readonly Pick<KbHit, 'source' | 'section'>[]): number | undefined {
  const index = hits.findIndex((hit) => hitMatches(expected, hit));
  return index < 0 ? undefined : index + 1;
}

export const caseLabel = (hit: Pick<KbHit, 'source' | 'section'>): string =>
  `${hit.source}#${hit.section.split(' › ').at(-1) ?? hit.section}`;

export function scoreRetrieval(results: readonly CaseResult[], k: number): RetrievalScore {
  const n = results.length;
  const within = results.filter((r) => r.rank !== undefined && r.rank <= k).length;
  const rr = results.reduce((sum, r) => sum + (r.rank === undefined ? 0 : 1 / r.rank), 0);
  return {
    k,
    cases: n,
    recallAtK: n === 0 ? 0 : within / n,
    mrr: n === 0 ? 0 : rr / n,
    misses: results.filter((r) => r.rank === undefined || r.rank > k),
  };
}
