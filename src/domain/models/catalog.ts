import type { ModelId } from '../ids.ts';

/**
 * One Bedrock text model as configured in config/models.json. Prices and ids change: they live in the file,
 * with the date they were checked (`asOf`), never in code.
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
  /** USD per million tokens. */
  readonly price: { readonly inputPerMTok: number; readonly outputPerMTok: number };
  /** CountTokens works for this model (Claude); otherwise a local estimate is used. */
  readonly supportsCountTokens: boolean;
  /** Sampling parameters are rejected (Claude 5.x): omit temperature. */
  readonly fixedSampling: boolean;
  /** Multiplier on the local chars/4 estimate (1.3 for tokenizers that count ~30 % more). */
  readonly tokenEstimateFactor: number;
  readonly asOf: string;
}

/** Finds models by our key; the only way use cases learn about models. */
export interface ModelCatalog {
  readonly models: readonly ModelInfo[];
  get(id: string): ModelInfo | undefined;
  readonly defaultModel: ModelInfo;
  /** Models tried after the chosen one fails, in order. */
  readonly fallbackChain: readonly ModelInfo[];
}

/** Cost in USD of one call. */
export const costUsd = (model: ModelInfo, usage: { inputTokens: number; outputTokens: number }): number =>
  (usage.inputTokens * model.price.inputPerMTok + usage.outputTokens * model.price.outputPerMTok) / 1_000_000;

export const formatUsd = (usd: number): string =>
  usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(6).replace(/0+$/, '')}` : `$${usd.toFixed(4)}`;
