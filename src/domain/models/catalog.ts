import type { ModelId } from '../ids.ts';

/** USD per million tokens of one price band. Cache prices absent: those tokens are billed as input (the safe side). */
export interface TokenPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  readonly cacheReadPerMTok?: number;
  readonly cacheWritePerMTok?: number;
}

/** A higher band for long prompts: applies when the prompt (input + cache read + cache write) is above the threshold. */
export interface PriceTier extends TokenPrice {
  readonly abovePromptTokens: number;
}

export interface ModelPrice extends TokenPrice {
  /** Long-prompt bands, each replacing the base prices above its threshold (the highest one that applies wins). */
  readonly tiers?: readonly PriceTier[];
}

/**
 * How a model that reasons by default is asked to keep it in check: the Converse `additionalModelRequestFields`
 * sent with every call (an effort or thinking setting, exactly as the model documents it), and the output tokens
 * reserved for the reasoning on top of the answer's own reserve.
 */
export interface ReasoningSettings {
  readonly requestFields: Readonly<Record<string, unknown>>;
  readonly reserveTokens: number;
}

/**
 * One Bedrock text model as configured in config/models.json. Prices and ids change: they live in the file,
 * each entry with the date it was checked (`asOf`) and the public page it was checked against (`source`).
 */
export interface ModelInfo {
  /** Our short key, what users type: `nova-lite`, `claude-haiku-4-5`. */
  readonly id: ModelId;
  readonly name: string;
  /** What Bedrock is called with: an inference-profile id (`us.amazon.nova-lite-v1:0`) or a base id. */
  readonly bedrockId: string;
  /** The base model id, for CountTokens (which rejects profile ids). */
  readonly baseModelId: string;
  readonly provider: 'amazon' | 'anthropic' | 'other';
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly price: ModelPrice;
  /** CountTokens works for this model (Claude); otherwise a local estimate is used. */
  readonly supportsCountTokens: boolean;
  /** Sampling parameters are rejected (Claude 5.x): omit temperature. */
  readonly fixedSampling: boolean;
  /** Multiplier on the local chars/4 estimate (1.3 for tokenizers that count ~30 % more). */
  readonly tokenEstimateFactor: number;
  readonly asOf: string;
  /** Where the id, limits and prices were checked (a public page). */
  readonly source?: string;
  /** Set for models that think by default (Claude 5.x). */
  readonly reasoning?: ReasoningSettings;
}

/** Finds models by our key; the only way use cases learn about models. */
export interface ModelCatalog {
  readonly models: readonly ModelInfo[];
  get(id: string): ModelInfo | undefined;
  readonly defaultModel: ModelInfo;
  /** Models tried after the chosen one fails, in order. */
  readonly fallbackChain: readonly ModelInfo[];
}

/** What a call used, as Converse reports it: cache tokens come separately from `inputTokens`. */
export interface BilledTokens {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

/** The price band a prompt of this size is billed in. */
export function priceFor(price: ModelPrice, promptTokens: number): TokenPrice {
  let band: TokenPrice = price;
  let threshold = Number.NEGATIVE_INFINITY;
  for (const tier of price.tiers ?? []) {
    if (promptTokens > tier.abovePromptTokens && tier.abovePromptTokens > threshold) {
      band = tier;
      threshold = tier.abovePromptTokens;
    }
  }
  return band;
}

/** Cost in USD of one call: the band chosen by the whole prompt's size, cache reads and writes at their own prices. */
export function costUsd(model: ModelInfo, usage: BilledTokens): number {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const band = priceFor(model.price, usage.inputTokens + cacheRead + cacheWrite);
  return (
    (usage.inputTokens * band.inputPerMTok +
      usage.outputTokens * band.outputPerMTok +
      cacheRead * (band.cacheReadPerMTok ?? band.inputPerMTok) +
      cacheWrite * (band.cacheWritePerMTok ?? band.inputPerMTok)) /
    1_000_000
  );
}

// Four significant digits below a cent, never in exponent form: $0.00000035, $0.001268.
const tinyUsd = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, maximumFractionDigits: 20 });

export const formatUsd = (usd: number): string =>
  usd === 0 ? '$0' : usd < 0.01 ? `$${tinyUsd.format(usd)}` : `$${usd.toFixed(4)}`;
