import { z } from 'zod';
import type { KbHit } from '../../domain/knowledge/types.ts';
import type { Tool } from '../tools.ts';
import type { KnowledgeDeps } from './deps.ts';
import { DOCUMENTS_ARE_DATA } from './grounding-prompt.ts';

const input = z.object({
  query: z.string().trim().min(2).max(500).describe('What to look up, in the customer’s words plus useful keywords.'),
});

export const KNOWLEDGE_TOOL = 'search_knowledge';

/**
 * `search_knowledge`: the shop's documents (menu and allergens, delivery zones and fees, refunds and cancellations,
 * opening hours, FAQ) for the order assistant and both voice engines. Passages come with their source and
 * section; `onHits` lets a text surface list them as sources under the answer.
 */
export function knowledgeTool(
  deps: Pick<KnowledgeDeps, 'search' | 'limit'>,
  onHits?: (hits: readonly KbHit[]) => void,
): Tool {
  const { $schema: _dialect, ...inputSchema } = z.toJSONSchema(input, { io: 'input' });
  return {
    name: KNOWLEDGE_TOOL,
    description:
      'Searches the shop’s documents: menu and allergens, delivery zones and fees, refund and cancellation policy, ' +
      'opening hours, FAQ. Use it for any question about the shop rather than guessing; answer only from the passages.',
    inputSchema,
    async run(raw, _caller, signal) {
      const parsed = input.safeParse(raw ?? {});
      if (!parsed.success) return { ok: false, error: 'search_knowledge needs a query of 2 to 500 characters.' };
      const found = await deps.search.search({ text: parsed.data.query, limit: deps.limit }, signal);
      if (!found.ok)
        return { ok: false, error: `The documents could not be searched right now: ${found.error.message}` };
      onHits?.(found.value);
      if (found.value.length === 0) {
        return {
          ok: true,
          result: { found: false, note: 'Nothing in the shop’s documents matches. Say so; do not guess.' },
        };
      }
      return {
        ok: true,
        result: {
          found: true,
          note: DOCUMENTS_ARE_DATA,
          passages: found.value.map((h) => ({ source: h.source, section: h.section, text: h.text })),
        },
      };
    },
  };
}
