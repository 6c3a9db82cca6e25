import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKnowledgeChain } from '../../adapters/local/local-knowledge-chain.ts';
import type { ModelId } from '../../src/domain/ids.ts';
import { appError, err } from '../../src/domain/result.ts';
import type { KnowledgeSearch } from '../../src/ports/knowledge.ts';
import { KB_CHAIN_ASL_URL, KB_CHAIN_TASKS } from '../../src/workflows/kb-chain.ts';
import { askOnFakeBedrock } from '../support/ask-deps.ts';
import { failures } from '../support/fake-bedrock.ts';
import { chainScript, chainStep, starterKnowledgeBase } from '../support/kb-fixtures.ts';

const bedrock = askOnFakeBedrock();
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
beforeAll(async () => {
  fixture = await starterKnowledgeBase();
});
afterAll(() => fixture.close());

const chain = (search: KnowledgeSearch = fixture.kb) =>
  new LocalKnowledgeChain({ textModel: bedrock.deps.textModel, search, model: 'a' as ModelId, retryDelayMs: 0 });

describe('the knowledge chain ASL, in-process with the Bedrock fake', () => {
  it('adds keywords and, when retrieval is needed, retrieves with question + keywords', async () => {
    bedrock.fake.setHandler(chainScript({ keywords: 'allergens gluten wheat pasta', needs: 'true' }));
    const result = await chain().prepare({ question: 'is the lasagne ok for coeliacs?' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ keywords: 'allergens gluten wheat pasta', retrieval: 'done' });
    expect(result.value.hits.map((h) => h.section)).toContain('Menu and allergens › Lasagne');
    expect(result.value.hits[0]).toMatchObject({
      source: expect.any(String),
      section: expect.any(String),
      text: expect.any(String),
    });
    const steps = bedrock.fake.requests.map(chainStep).sort();
    expect(steps).toEqual(['keywords', 'needs']);
    const needs = bedrock.fake.requests.find((r) => chainStep(r) === 'needs');
    expect(JSON.stringify(needs?.body.messages)).toContain('New question: is the lasagne ok for coeliacs?');
  });

  it('skips retrieval when the model says the conversation already answers it', async () => {
    bedrock.fake.setHandler(chainScript({ keywords: 'thanks', needs: 'false' }));
    const result = await chain().prepare({
      question: 'thanks!',
      history: [{ role: 'assistant', text: 'We deliver to Riverside for 4.50 EUR.' }],
    });
    expect(result.ok && result.value).toEqual({ keywords: 'thanks', retrieval: 'skipped', hits: [] });
    const needs = bedrock.fake.requests.find((r) => chainStep(r) === 'needs');
    expect(JSON.stringify(needs?.body.messages)).toContain('assistant: We deliver to Riverside for 4.50 EUR.');
  });

  it('catches a failed retrieval and hands its error on as context instead of failing', async () => {
    bedrock.fake.setHandler(chainScript({ keywords: 'delivery', needs: 'true' }));
    const broken: KnowledgeSearch = {
      search: async () => err(appError('kb.retrieve_failed', 'index offline')),
    };
    const result = await chain(broken).prepare({ question: 'do you deliver to Riverside?' });
    expect(result.ok && result.value).toEqual({
      keywords: 'delivery',
      retrieval: 'failed',
      hits: [],
      error: 'index offline',
    });
  });

  it('goes on without keywords when that call fails, and retrieves when the decision call fails', async () => {
    bedrock.fake.setHandler((r) => ({
      fail: chainStep(r) === 'keywords' ? failures.throttled() : failures.validation(),
    }));
    const result = await chain().prepare({ question: 'what are your opening hours on sunday?' });
    expect(result.ok && result.value.keywords).toBe('');
    expect(result.ok && result.value.retrieval).toBe('done');
    expect(result.ok && result.value.hits[0]?.source).toBe('opening-hours.md');
    // The throttled keyword call was retried by the ASL's Retry (MaxAttempts 2: three calls), the invalid one was not.
    expect(bedrock.fake.requests.filter((r) => chainStep(r) === 'keywords')).toHaveLength(3);
    expect(bedrock.fake.requests.filter((r) => chainStep(r) === 'needs')).toHaveLength(1);
  });

  it('cancels: an aborted signal ends the execution with kb.chain_aborted', async () => {
    bedrock.fake.setHandler(() => ({ fail: failures.hang() }));
    const controller = new AbortController();
    const pending = chain().prepare({ question: 'x' }, controller.signal);
    setTimeout(() => controller.abort(), 20);
    const result = await pending;
    expect(!result.ok && result.error.code).toBe('kb.chain_aborted');
  });

  it('binds every Task state to a local handler, and uses JSONPath only', () => {
    const text = readFileSync(KB_CHAIN_ASL_URL, 'utf8');
    for (const banned of ['QueryLanguage', '"Arguments"', '"Output"', '"Assign"', '{%'])
      expect(text).not.toContain(banned);
    const tasks: string[] = [];
    const walk = (states: Record<string, { Type: string; Branches?: { States: Record<string, never> }[] }>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') tasks.push(name);
        for (const branch of state.Branches ?? []) walk(branch.States);
      }
    };
    walk(JSON.parse(text).States);
    expect(tasks.sort()).toEqual(Object.keys(KB_CHAIN_TASKS).sort());
    expect(Object.keys(chain().handlers).sort()).toEqual(tasks.sort());
  });
});
