import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TitanEmbedder } from '../../../adapters/bedrock/titan-embedder.ts';
import { bagOfWordsVector, type FakeAwsJson, startFakeAwsJson } from '../../support/fake-aws-json.ts';
import { bedrockClientFor } from '../../support/fake-bedrock.ts';

let fake: FakeAwsJson;
let embedder: TitanEmbedder;

beforeAll(async () => {
  fake = await startFakeAwsJson('h2', (r) => ({
    body: { embedding: bagOfWordsVector(String(r.body.inputText), Number(r.body.dimensions)), inputTextTokenCount: 3 },
  }));
  embedder = new TitanEmbedder(bedrockClientFor(fake.endpoint), { dimensions: 256, concurrency: 3 });
});
afterAll(() => fake.close());

describe('TitanEmbedder (InvokeModel on the wire)', () => {
  it('asks Titan V2 for normalized vectors of the chosen size, one call per text, answers in order', async () => {
    const texts = ['lasagne gluten', 'delivery to riverside', 'opening hours', 'refund policy', 'tiramisu'];
    const result = await embedder.embed(texts);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.map((v) => v.length)).toEqual([256, 256, 256, 256, 256]);
    expect(Array.from(result.value[1] ?? [])).toEqual(bagOfWordsVector('delivery to riverside', 256).map(Math.fround));
    const calls = fake.requests.filter(
      (r) =>
        r.path === '/model/amazon.titan-embed-text-v2%3A0/invoke' ||
        r.path === '/model/amazon.titan-embed-text-v2:0/invoke',
    );
    expect(calls).toHaveLength(5);
    expect(calls[0]?.body).toMatchObject({ dimensions: 256, normalize: true });
    expect(embedder.id).toBe('amazon.titan-embed-text-v2:0/256');
  });

  it('reports a refused call or a wrong-sized vector as kb.embeddings_failed', async () => {
    fake.setHandler(() => ({ status: 403, errorType: 'AccessDeniedException', message: 'no access' }));
    const denied = await embedder.embed(['x']);
    expect(!denied.ok && denied.error.code).toBe('kb.embeddings_failed');
    fake.setHandler(() => ({ body: { embedding: [1, 2, 3] } }));
    const short = await embedder.embed(['x']);
    expect(!short.ok && short.error.message).toMatch(/256-number/);
  });
});
