import type { ModelId } from '../../src/domain/ids.ts';
import type { ModelCatalog, ModelInfo } from '../../src/domain/models/catalog.ts';
import { modelCatalog } from '../../src/domain/models/catalog-file.ts';

/** Object mother for a catalog entry; Bedrock ids are derived from the key so fakes can script per model. */
export function aModel(id: string, overrides: Partial<Omit<ModelInfo, 'id'>> = {}): ModelInfo {
  return {
    id: id as ModelId,
    name: `Model ${id}`,
    bedrockId: `us.test.${id}-v1:0`,
    baseModelId: `test.${id}-v1:0`,
    provider: 'amazon',
    contextWindow: 100_000,
    maxOutputTokens: 4_000,
    price: { inputPerMTok: 1, outputPerMTok: 2 },
    supportsCountTokens: false,
    fixedSampling: false,
    tokenEstimateFactor: 1,
    asOf: '2026-10-01',
    ...overrides,
  };
}

/** A catalog of `a`, `b`, `c` (or the given models); the first is the default, the rest the fallback chain. */
export function aCatalog(models: readonly ModelInfo[] = [aModel('a'), aModel('b'), aModel('c')]): ModelCatalog {
  const [first, ...rest] = models;
  if (!first) throw new Error('aCatalog needs at least one model');
  return modelCatalog(models, first, rest);
}
