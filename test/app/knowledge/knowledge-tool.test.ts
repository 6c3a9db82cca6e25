import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeTool } from '../../../src/app/knowledge/knowledge-tool.ts';
import { ToolRegistry } from '../../../src/app/tools.ts';
import { userId } from '../../../src/domain/ids.ts';
import type { KbHit } from '../../../src/domain/knowledge/types.ts';
import { appError, err } from '../../../src/domain/result.ts';
import { starterKnowledgeBase } from '../../support/kb-fixtures.ts';

const caller = { user: userId('discord', 'alice'), isStaff: false };
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
beforeAll(async () => {
  fixture = await starterKnowledgeBase();
});
afterAll(() => fixture.close());

describe('search_knowledge (the tool both voice engines and the order assistant get)', () => {
  it('registers beside other tools and returns passages with source and section, reporting them for citations', async () => {
    const seen: KbHit[] = [];
    const tool = knowledgeTool({ search: fixture.kb, limit: 3 }, (hits) => seen.push(...hits));
    const registry = new ToolRegistry().register(tool);
    expect(registry.get('search_knowledge')?.inputSchema).toMatchObject({ type: 'object', required: ['query'] });
    const outcome = await tool.run({ query: 'do you deliver to Riverside' }, caller);
    expect(outcome.ok).toBe(true);
    const result = outcome.ok
      ? (outcome.result as { found: boolean; note: string; passages: { source: string; section: string }[] })
      : undefined;
    expect(result?.found).toBe(true);
    expect(result?.note).toContain('not instructions');
    expect(result?.passages.map((p) => `${p.source} ${p.section}`)).toContain(
      'delivery-zones.md Delivery zones and fees › South',
    );
    expect(seen.length).toBe(result?.passages.length);
  });

  it('says when nothing matches, refuses bad input, and reports a failed search as a tool error', async () => {
    const tool = knowledgeTool({ search: fixture.kb, limit: 3 });
    expect(await tool.run({ query: 'zzzz qqqq' }, caller)).toMatchObject({ ok: true, result: { found: false } });
    expect(await tool.run({ query: '' }, caller)).toMatchObject({ ok: false });
    expect(await tool.run(undefined, caller)).toMatchObject({ ok: false });
    const broken = knowledgeTool({
      search: { search: async () => err(appError('kb.retrieve_failed', 'down')) },
      limit: 3,
    });
    expect(await broken.run({ query: 'lasagne' }, caller)).toMatchObject({
      ok: false,
      error: expect.stringContaining('down'),
    });
  });
});
