import { describe, expect, it } from 'vitest';
import { progressReply } from '../../src/app/bench/present-progress.ts';
import { composeBenchBatch } from '../../src/compose/bench-batch.ts';
import { loadConfig } from '../../src/config.ts';
import { BATCH_PRICE_FACTOR, batchPriced } from '../../src/domain/bench/batch-price.ts';
import { costUsd } from '../../src/domain/models/catalog.ts';
import { aModel } from '../support/models.ts';

const set = { BENCH_BATCH_BUCKET: 'bench-bucket', BENCH_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench-batch' };

describe('batch inference wiring', () => {
  it('is composed only with a bucket, a role and AWS credentials (offline: every run on demand)', () => {
    expect(composeBenchBatch(loadConfig({}).env, true)).toBeUndefined();
    expect(composeBenchBatch(loadConfig({ BENCH_BATCH_BUCKET: 'b' }).env, true)).toBeUndefined();
    expect(composeBenchBatch(loadConfig(set).env, false)).toBeUndefined();
    const batch = composeBenchBatch(loadConfig({ ...set, BENCH_BATCH_MIN_ROWS: '5000' }).env, true);
    expect(batch).toMatchObject({ minRows: 5000, maxRows: 1_000_000, pollMs: 30_000 });
    expect(batch?.inference).toMatchObject({ maxRecordsPerJob: 50_000, minRecordsPerJob: 100 });
    expect(batch?.runId()).toMatch(/^bench-\d{8}-[0-9a-f]{8}$/);
  });

  it('refuses a minimum under Bedrock’s 100 records per job', () => {
    expect(() => loadConfig({ ...set, BENCH_BATCH_MIN_ROWS: '50' })).toThrow(/BENCH_BATCH_MIN_ROWS/);
  });

  it('bills every price band at half the on-demand price', () => {
    const model = aModel('m', {
      price: {
        inputPerMTok: 3,
        outputPerMTok: 15,
        cacheReadPerMTok: 0.3,
        tiers: [{ abovePromptTokens: 200_000, inputPerMTok: 6, outputPerMTok: 22.5 }],
      },
    });
    expect(BATCH_PRICE_FACTOR).toBe(0.5);
    for (const inputTokens of [1000, 300_000]) {
      const usage = { inputTokens, outputTokens: 500, cacheReadInputTokens: 100 };
      expect(costUsd(batchPriced(model), usage)).toBeCloseTo(costUsd(model, usage) / 2, 12);
    }
  });

  it('shows no running accuracy while a batch job runs', () => {
    const reply = progressReply('Running big.csv', {
      rowsDone: 10,
      fraction: 0.1,
      etaMs: 60_000,
      accuracy: 0,
      ungraded: true,
      detail: 'Bedrock batch inference: nova-lite: 1 batch job InProgress, 10 / 100 records',
    });
    expect(reply.text).not.toContain('accuracy');
    expect(reply.text).toContain('1 batch job InProgress');
  });
});
