import { describe, expect, it } from 'vitest';
import { checkModels } from '../../../src/app/ask/check-models.ts';
import { askOnFakeBedrock } from '../../support/ask-deps.ts';
import { failures } from '../../support/fake-bedrock.ts';

describe('checkModels (npm run check:models)', () => {
  const bedrock = askOnFakeBedrock();

  it('sends one tiny ConverseStream per catalog model and says which ids work and why the others fail', async () => {
    bedrock.fake.setHandler((_req, modelId) => {
      if (modelId.includes('.b-')) return { fail: failures.validation('The provided model identifier is invalid.') };
      if (modelId.includes('.c-')) return { fail: failures.accessDenied() };
      return { chunks: ['OK'] };
    });
    const seen: string[] = [];
    const checks = await checkModels(bedrock.deps, (c) => seen.push(c.model.id));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(checks.map((c) => (c.ok ? 'ok' : c.code))).toEqual(['ok', 'model.bad_model_id', 'model.access_denied']);
    const bad = checks[1];
    expect(!bad?.ok && bad?.message).toContain('`us.test.b-v1:0`');
    expect(!bad?.ok && bad?.message).toContain('us-east-1');
    expect(bedrock.fake.requests.map((r) => r.body.inferenceConfig?.maxTokens)).toEqual([16, 16, 16]);
  });
});
