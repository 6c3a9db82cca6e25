import type { KbHit } from '../../domain/knowledge/types.ts';
import { ok, type Result } from '../../domain/result.ts';
import type { ChainInput } from '../../ports/knowledge.ts';
import type { KnowledgeDeps } from './deps.ts';

/** A hit matching at least this share of the question's terms: retrieval is clearly needed, the chain adds nothing. */
export const CLEAR_MATCH = 0.6;

export interface Grounding {
  /** `direct`: clear match, searched without the chain; `chain`: the prompt chain decided; `none`: nothing matched. */
  readonly route: 'direct' | 'chain' | 'none';
  readonly retrieval: 'done' | 'skipped' | 'failed';
  readonly hits: readonly KbHit[];
  readonly keywords: string;
  /** Why retrieval failed (given to the model as context, as the seed's Catch does). */
  readonly error?: string;
}

/**
 * Finds the documents for a question. A cheap local search first decides whether the chain is worth its two model
 * calls: a hit covering most of the question means retrieval is clearly needed (use it); no term of a fresh
 * question in any document means clearly not; anything in between goes through the chain when there is one.
 */
export async function findKnowledge(
  deps: KnowledgeDeps,
  input: ChainInput,
  signal?: AbortSignal,
): Promise<Result<Grounding>> {
  const probe = await deps.search.search({ text: input.question, limit: deps.limit }, signal);
  if (probe.ok) {
    const best = probe.value[0]?.coverage;
    if (best !== undefined && best >= CLEAR_MATCH) {
      return ok({ route: 'direct', retrieval: 'done', hits: probe.value, keywords: '' });
    }
    if (probe.value.length === 0 && (input.history ?? []).length === 0) {
      return ok({ route: 'none', retrieval: 'done', hits: [], keywords: '' });
    }
  }
  if (deps.chain) {
    const chained = await deps.chain.prepare(input, signal);
    if (!chained.ok) return chained;
    return ok({ route: 'chain', ...chained.value });
  }
  if (!probe.ok)
    return ok({ route: 'direct', retrieval: 'failed', hits: [], keywords: '', error: probe.error.message });
  return ok({ route: 'direct', retrieval: 'done', hits: probe.value, keywords: '' });
}
