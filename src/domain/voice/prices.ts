import { z } from 'zod';
import { costUsd, type ModelInfo } from '../models/catalog.ts';
import { type AppError, appError, err, ok, type Result } from '../result.ts';
import type { PollyEngine, VoiceUsage } from './usage.ts';

/**
 * config/voice-prices.json: what the voice meters cost, in USD. Prices change: they live in the file with the date
 * they were checked (`asOf`), never in code. The cascade's text model is priced from the model catalog.
 */
export interface VoicePrices {
  readonly asOf: string;
  readonly sonic: {
    readonly speechInputPerMTok: number;
    readonly speechOutputPerMTok: number;
    readonly textInputPerMTok: number;
    readonly textOutputPerMTok: number;
  };
  readonly transcribe: { readonly perMinute: number };
  readonly polly: { readonly perMillionCharacters: Readonly<Partial<Record<PollyEngine, number>>> };
}

const price = z.number().nonnegative();
const fileSchema = z.object({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01'),
  source: z.string().optional(),
  note: z.string().optional(),
  sonic: z.object({
    speechInputPerMTok: price,
    speechOutputPerMTok: price,
    textInputPerMTok: price,
    textOutputPerMTok: price,
  }),
  transcribe: z.object({ perMinute: price }),
  polly: z.object({
    perMillionCharacters: z.object({
      standard: price.optional(),
      neural: price.optional(),
      generative: price.optional(),
    }),
  }),
});

/** Checks the parsed JSON of config/voice-prices.json: a typo in a price must stop the bot, not mislead users. */
export function parseVoicePrices(json: unknown): Result<VoicePrices, AppError> {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return err(appError('config.bad_voice_prices_file', `The voice prices are invalid: ${lines.join('; ')}`));
  }
  const { asOf, sonic, transcribe, polly } = parsed.data;
  const perMillionCharacters: Partial<Record<PollyEngine, number>> = {};
  for (const [engine, usd] of Object.entries(polly.perMillionCharacters)) {
    if (usd !== undefined) perMillionCharacters[engine as PollyEngine] = usd;
  }
  return ok({ asOf, sonic, transcribe, polly: { perMillionCharacters } });
}

/**
 * The cost in USD of a conversation's usage, or undefined when something it used has no price (a text model
 * missing from the catalog, a Polly engine missing from the file): a partial sum would read as the whole cost.
 */
export function voiceCostUsd(
  usage: VoiceUsage,
  prices: VoicePrices,
  textModel: (id: string) => ModelInfo | undefined,
): number | undefined {
  const s = usage.sonic;
  const p = prices.sonic;
  let usd =
    (s.speechInputTokens * p.speechInputPerMTok +
      s.speechOutputTokens * p.speechOutputPerMTok +
      s.textInputTokens * p.textInputPerMTok +
      s.textOutputTokens * p.textOutputPerMTok) /
    1_000_000;
  for (const [id, tokens] of Object.entries(usage.textModels)) {
    if (tokens.inputTokens + tokens.outputTokens === 0) continue;
    const model = textModel(id);
    if (!model) return undefined;
    usd += costUsd(model, tokens);
  }
  for (const [engine, characters] of Object.entries(usage.pollyCharacters)) {
    if (!characters) continue;
    const enginePrice = prices.polly.perMillionCharacters[engine as PollyEngine];
    if (enginePrice === undefined) return undefined;
    usd += (characters * enginePrice) / 1_000_000;
  }
  return usd + (usage.transcribeSeconds / 60) * prices.transcribe.perMinute;
}
