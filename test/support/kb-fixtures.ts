import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKnowledgeBase } from '../../adapters/knowledge/local-knowledge-base.ts';
import { FileDocumentReader } from '../../adapters/knowledge/read-document.ts';
import type { KnowledgeDeps } from '../../src/app/knowledge/deps.ts';
import type { KnowledgeChain } from '../../src/ports/knowledge.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { FakeRequest, Script } from './fake-bedrock.ts';

/** The shipped starter documents in a fresh temporary index; `close()` removes it. */
export async function starterKnowledgeBase(): Promise<{ kb: LocalKnowledgeBase; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kb-fixture-'));
  await cp('knowledge', join(dir, 'knowledge'), { recursive: true });
  const { kb } = await LocalKnowledgeBase.open({
    dataDir: join(dir, 'data'),
    folder: join(dir, 'knowledge'),
    maxBytes: 5_000_000,
    log: silentLogger,
    now: () => new Date('2026-12-04T10:00:00Z'),
  });
  return { kb, close: () => rm(dir, { recursive: true, force: true }) };
}

/** Which chain step a fake Bedrock request is: by the system prompt the ASL gives each step. */
export function chainStep(request: FakeRequest): 'keywords' | 'needs' | 'answer' {
  const system = request.body.system?.map((s) => s.text ?? '').join(' ') ?? '';
  if (system.includes('search keywords')) return 'keywords';
  if (system.includes('must be searched')) return 'needs';
  return 'answer';
}

/** A fake Bedrock script for the chain: keywords, a needs-retrieval verdict, and the final answer. */
export const chainScript =
  (answers: { keywords?: string | Script; needs?: string | Script; answer?: string | Script }) =>
  (request: FakeRequest): Script => {
    const step = chainStep(request);
    const value = step === 'keywords' ? answers.keywords : step === 'needs' ? answers.needs : answers.answer;
    if (value === undefined) return { chunks: [step === 'needs' ? 'true' : step === 'keywords' ? '' : 'OK'] };
    return typeof value === 'string' ? { chunks: [value] } : value;
  };

/** KnowledgeDeps over a local knowledge base (and a chain when given). */
export function knowledgeDepsFor(kb: LocalKnowledgeBase, chain?: KnowledgeChain): KnowledgeDeps {
  return {
    search: kb,
    library: kb,
    reader: new FileDocumentReader(200_000),
    ...(chain ? { chain } : {}),
    limit: 5,
    description: 'local index (BM25)',
  };
}

/** The model searches the documents once, then answers. */
export const searchThenAnswer =
  (answer: string, query: string) =>
  (r: FakeRequest): Script =>
    JSON.stringify(r.body.messages).includes('toolResult')
      ? { chunks: [answer] }
      : {
          chunks: [],
          toolUses: [{ toolUseId: 't1', name: 'search_knowledge', input: { query } }],
          stopReason: 'tool_use',
        };
