import { z } from 'zod';
import type { ModelId } from '../ids.ts';
import { type AppError, appError, err, ok, type Result } from '../result.ts';
import type { ModelCatalog, ModelInfo, ModelPrice } from './catalog.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01');
const perMTok = z.number().nonnegative();
const bandShape = {
  inputPerMTok: perMTok,
  outputPerMTok: perMTok,
  cacheReadPerMTok: perMTok.optional(),
  cacheWritePerMTok: perMTok.optional(),
};

/**
 * config/models.json, checked at startup: a typo in a price or id must stop the bot, not mislead users. Every entry
 * says when it was checked and where (`asOf`, `source`): entries added after the file's own date carry theirs.
 */
const modelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes'),
  name: z.string().min(1),
  bedrockId: z.string().min(1),
  baseModelId: z.string().min(1),
  provider: z.enum(['amazon', 'anthropic', 'other']),
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  price: z.object({
    ...bandShape,
    tiers: z.array(z.object({ abovePromptTokens: z.number().int().positive(), ...bandShape }).strict()).optional(),
  }),
  supportsCountTokens: z.boolean().default(false),
  fixedSampling: z.boolean().default(false),
  tokenEstimateFactor: z.number().min(0.5).max(3).default(1),
  asOf: isoDate,
  source: z.url({ message: 'a public https address where the id, limits and prices can be checked' }),
  reasoning: z
    .object({
      requestFields: z.record(z.string(), z.unknown()),
      reserveTokens: z.number().int().nonnegative(),
    })
    .strict()
    .optional(),
  note: z.string().optional(),
});

const fileSchema = z.object({
  asOf: isoDate,
  source: z.string().optional(),
  fallbackChain: z.array(z.string()).default([]),
  models: z.array(modelSchema).min(1),
});

export interface CatalogOptions {
  /** Our key of the default model (ASK_DEFAULT_MODEL). */
  readonly defaultModel: string;
  /** Keys tried after a failure (ASK_FALLBACK_CHAIN); the file's `fallbackChain` when empty. */
  readonly fallbackChain: readonly string[];
}

/** Builds the catalog from the parsed JSON of config/models.json. */
export function parseModelCatalog(json: unknown, options: CatalogOptions): Result<ModelCatalog, AppError> {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return err(appError('config.bad_models_file', `The model catalog is invalid: ${lines.join('; ')}`));
  }
  const file = parsed.data;
  const byId = new Map<string, ModelInfo>();
  for (const m of file.models) {
    if (byId.has(m.id)) return err(appError('config.bad_models_file', `Model \`${m.id}\` is listed twice.`));
    byId.set(m.id, {
      id: m.id as ModelId,
      name: m.name,
      bedrockId: m.bedrockId,
      baseModelId: m.baseModelId,
      provider: m.provider,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      // zod omits absent optional keys, which is what the exact domain type means.
      price: m.price as ModelPrice,
      supportsCountTokens: m.supportsCountTokens,
      fixedSampling: m.fixedSampling,
      tokenEstimateFactor: m.tokenEstimateFactor,
      asOf: m.asOf,
      source: m.source,
      ...(m.reasoning ? { reasoning: m.reasoning } : {}),
    });
  }
  const known = [...byId.keys()].join(', ');
  const lookup = (key: string, what: string): Result<ModelInfo, AppError> => {
    const model = byId.get(key);
    return model
      ? ok(model)
      : err(appError('config.unknown_model', `${what} \`${key}\` is not in the catalog.`, `Known models: ${known}.`));
  };
  const defaultModel = lookup(options.defaultModel, 'The default model (ASK_DEFAULT_MODEL)');
  if (!defaultModel.ok) return defaultModel;
  const chainKeys = options.fallbackChain.length > 0 ? options.fallbackChain : file.fallbackChain;
  const fallbackChain: ModelInfo[] = [];
  for (const key of chainKeys) {
    const model = lookup(key, 'The fallback model (ASK_FALLBACK_CHAIN)');
    if (!model.ok) return model;
    fallbackChain.push(model.value);
  }
  return ok(modelCatalog([...byId.values()], defaultModel.value, fallbackChain));
}

/** A catalog over a list of models (also handy in tests). */
export function modelCatalog(
  models: readonly ModelInfo[],
  defaultModel: ModelInfo,
  fallbackChain: readonly ModelInfo[] = [],
): ModelCatalog {
  const byId = new Map(models.map((m) => [m.id as string, m]));
  return { models, defaultModel, fallbackChain, get: (id) => byId.get(id.trim().toLowerCase()) };
}
