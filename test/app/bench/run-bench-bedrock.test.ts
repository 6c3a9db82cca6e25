import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockTextModel } from '../../../adapters/bedrock/bedrock-text-model.ts';
import { runBench } from '../../../src/app/bench/run-bench.ts';
import { bedrockClientFor, type FakeBedrock, failures, startFakeBedrock } from '../../support/fake-bedrock.ts';
import { aCatalog, aModel } from '../../support/models.ts';
import { benchDeps, fileOf, neverAborted } from './bench-support.ts';

/** Run mode through the real BedrockTextModel and SDK client against the loopback Bedrock fake, with 429s. */
describe('runBench over the Bedrock adapter', () => {
  let fake: FakeBedrock;
  let lastAdmitted = Number.NEGATIVE_INFINITY;
  let throttled = 0;
  beforeAll(async () => {
    fake = await startFakeBedrock((request) => {
      // A rate quota of one call per 10 ms (HTTP 429 ThrottlingException beyond), as an account's quota would.
      const now = performance.now();
      if (now - lastAdmitted < 10) {
        throttled++;
        return { fail: failures.throttled() };
      }
      lastAdmitted = now;
      const content = request.body.messages?.[0]?.content?.[0] as { text?: string } | undefined;
      const question = content?.text ?? '';
      return {
        chunks: [{ text: question.replace(/^q/, 'a'), delayMs: 5 }],
        usage: { inputTokens: 12, outputTokens: 3 },
      };
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('finishes every row: 429s pace the calls under a send rate, and every throttled call is retried', async () => {
    const catalog = aCatalog([aModel('lite', { price: { inputPerMTok: 0.06, outputPerMTok: 0.24 } })]);
    const client = bedrockClientFor(fake.endpoint);
    try {
      const base = benchDeps({ textModel: new BedrockTextModel(client, catalog, { timeoutMs: 10_000 }), catalog });
      const deps = { ...base, limits: { ...base.limits, maxConcurrency: 4, backoffMs: 5, maxAttempts: 12 } };
      const rows = Array.from({ length: 40 }, (_, i) => `q${i},a${i}`).join('\n');
      const result = await runBench(
        deps,
        { file: fileOf('q.csv', `prompt,expected\n${rows}\n`, 128), models: ['lite'], grader: { type: 'exact' } },
        { signal: neverAborted, onProgress: () => {} },
      );
      if (!result.ok) throw new Error(result.error.message);
      const [lite] = result.value.models;
      expect(lite).toMatchObject({ cells: 40, correct: 40, errors: 0, inputTokens: 480, outputTokens: 120 });
      expect(lite?.throttles).toBe(throttled);
      expect(throttled).toBeGreaterThan(0);
      // Paced after the first 429: the send rate is limited from then on, and the retries went through it.
      expect(lite?.settledRate).toBeGreaterThan(0);
      expect(lite?.peakInFlight).toBeLessThanOrEqual(4);
      expect(fake.requests.filter((r) => r.operation === 'converse-stream')).toHaveLength(40 + throttled);
    } finally {
      client.destroy();
    }
  });
});
