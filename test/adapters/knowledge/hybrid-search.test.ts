import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TitanEmbedder } from '../../../adapters/bedrock/titan-embedder.ts';
import { LocalKnowledgeBase } from '../../../adapters/knowledge/local-knowledge-base.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { bagOfWordsVector, type FakeAwsJson, startFakeAwsJson } from '../../support/fake-aws-json.ts';
import { bedrockClientFor } from '../../support/fake-bedrock.ts';

let dir: string;
let fake: FakeAwsJson;
let up = true;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-hybrid-'));
  await cp('knowledge', join(dir, 'knowledge'), { recursive: true });
  fake = await startFakeAwsJson('h2', (r) =>
    up
      ? { body: { embedding: bagOfWordsVector(String(r.body.inputText), 256) } }
      : { status: 503, errorType: 'ServiceUnavailableException', message: 'down' },
  );
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const open = () =>
  LocalKnowledgeBase.open({
    dataDir: join(dir, 'data'),
    folder: join(dir, 'knowledge'),
    embedder: new TitanEmbedder(bedrockClientFor(fake.endpoint)),
    maxBytes: 1_000_000,
    log: silentLogger,
    now: () => new Date(),
  });

describe('hybrid search (BM25 + Titan vectors in the same local index)', () => {
  it('embeds every chunk once, keeps the vectors on disk, and fuses both rankings', async () => {
    const { kb } = await open();
    const chunkCalls = fake.requests.length;
    expect(chunkCalls).toBe(kb.chunkCount);
    const hits = await kb.search({ text: 'do you deliver to Riverside?', limit: 3 });
    expect(hits.ok && hits.value.map((h) => h.section)).toContain('Delivery zones and fees › South');
    expect(fake.requests.length).toBe(chunkCalls + 1); // the query's own vector
    // Reopened: vectors come from disk, nothing is embedded again.
    await open();
    expect(fake.requests.length).toBe(chunkCalls + 1);
  });

  it('falls back to lexical search when the embedding service fails', async () => {
    const { kb } = await open();
    up = false;
    const hits = await kb.search({ text: 'tiramisu allergens', limit: 2 });
    up = true;
    expect(hits.ok && hits.value[0]?.section).toBe('Menu and allergens › Tiramisu');
  });
});
