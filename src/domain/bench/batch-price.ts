import type { ModelInfo, ModelPrice, TokenPrice } from '../models/catalog.ts';

/**
 * Bedrock batch inference bills tokens at half the on-demand price for the models that support it: the Amazon
 * Bedrock pricing page lists batch at "50% lower price compared to on-demand" (Nova Pro: input 0.80 → 0.40,
 * output 3.20 → 1.60 USD per 1M tokens; shared/reference/bedrock-text.md §8, checked 2026-11). One factor, not a
 * second price column per catalog entry: every batch price on that page is the on-demand one halved.
 */
export const BATCH_PRICE_FACTOR = 0.5;

const scaled = <T extends TokenPrice>(p: T, f: number): T => ({
  ...p,
  inputPerMTok: p.inputPerMTok * f,
  outputPerMTok: p.outputPerMTok * f,
  ...(p.cacheReadPerMTok === undefined ? {} : { cacheReadPerMTok: p.cacheReadPerMTok * f }),
  ...(p.cacheWritePerMTok === undefined ? {} : { cacheWritePerMTok: p.cacheWritePerMTok * f }),
});

/** The model as a batch job bills it: every price band at BATCH_PRICE_FACTOR. */
export function batchPriced(model: ModelInfo, factor = BATCH_PRICE_FACTOR): ModelInfo {
  const price: ModelPrice = {
    ...scaled(model.price, factor),
    ...(model.price.tiers ? { tiers: model.price.tiers.map((t) => scaled(t, factor)) } : {}),
  };
  return { ...model, price };
}
