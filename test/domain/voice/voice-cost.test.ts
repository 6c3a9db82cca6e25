import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelId } from '../../../src/domain/ids.ts';
import { parseVoicePrices, type VoicePrices, voiceCostUsd } from '../../../src/domain/voice/prices.ts';
import {
  addVoiceUsage,
  emptyVoiceUsage,
  isEmptyVoiceUsage,
  type VoiceUsage,
  type VoiceUsageDelta,
} from '../../../src/domain/voice/usage.ts';
import { aModel } from '../../support/models.ts';

const shipped = JSON.parse(readFileSync('config/voice-prices.json', 'utf8')) as Record<string, unknown>;

function pricesOf(json: unknown): VoicePrices {
  const parsed = parseVoicePrices(json);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const usageOf = (...deltas: VoiceUsageDelta[]): VoiceUsage => deltas.reduce(addVoiceUsage, emptyVoiceUsage);
const sonic = (speechIn: number, speechOut: number, textIn = 0, textOut = 0): VoiceUsageDelta => ({
  meter: 'sonic',
  speechInputTokens: speechIn,
  speechOutputTokens: speechOut,
  textInputTokens: textIn,
  textOutputTokens: textOut,
});
const novaLite = aModel('nova-lite', { price: { inputPerMTok: 0.06, outputPerMTok: 0.24 } });
const catalogPrice = (model: string) => (model === 'nova-lite' ? novaLite : undefined);

describe('voice usage', () => {
  it('adds deltas per meter and per text model', () => {
    const usage = usageOf(
      sonic(100, 200, 10, 20),
      sonic(1, 2, 3, 4),
      { meter: 'textModel', model: 'nova-lite' as ModelId, inputTokens: 50, outputTokens: 5 },
      { meter: 'textModel', model: 'nova-lite' as ModelId, inputTokens: 70, outputTokens: 7 },
      { meter: 'textModel', model: 'claude-haiku-4-5' as ModelId, inputTokens: 1, outputTokens: 1 },
      { meter: 'transcribe', audioSeconds: 1.5 },
      { meter: 'transcribe', audioSeconds: 2 },
      { meter: 'polly', engine: 'neural', characters: 30 },
      { meter: 'polly', engine: 'neural', characters: 12 },
    );
    expect(usage).toEqual({
      sonic: { speechInputTokens: 101, speechOutputTokens: 202, textInputTokens: 13, textOutputTokens: 24 },
      textModels: {
        'nova-lite': { inputTokens: 120, outputTokens: 12 },
        'claude-haiku-4-5': { inputTokens: 1, outputTokens: 1 },
      },
      transcribeSeconds: 3.5,
      pollyCharacters: { neural: 42 },
    });
    expect(isEmptyVoiceUsage(usage)).toBe(false);
    expect(isEmptyVoiceUsage(emptyVoiceUsage)).toBe(true);
    expect(emptyVoiceUsage.sonic.speechInputTokens).toBe(0);
  });
});

describe('voice prices and cost', () => {
  it('parses the shipped prices, with their date', () => {
    const prices = pricesOf(shipped);
    expect(prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.sonic).toEqual({
      speechInputPerMTok: 3,
      speechOutputPerMTok: 12,
      textInputPerMTok: 0.33,
      textOutputPerMTok: 2.75,
    });
  });

  it('refuses a file with a bad price or no date, naming the field', () => {
    const negative = parseVoicePrices({ ...shipped, sonic: { ...(shipped.sonic as object), speechInputPerMTok: -1 } });
    expect(negative).toMatchObject({ ok: false, error: { code: 'config.bad_voice_prices_file' } });
    expect(!negative.ok && negative.error.message).toContain('sonic.speechInputPerMTok');
    const { asOf: _asOf, ...undated } = shipped;
    expect(parseVoicePrices(undated)).toMatchObject({ ok: false, error: { message: expect.stringContaining('asOf') } });
  });

  it('prices Nova Sonic speech and text tokens per million', () => {
    const prices = pricesOf(shipped);
    // 1M speech in at $3, 1M speech out at $12, 1M text in at $0.33, 1M text out at $2.75.
    expect(voiceCostUsd(usageOf(sonic(1e6, 1e6, 1e6, 1e6)), prices, catalogPrice)).toBeCloseTo(18.08, 10);
    // The /leave example: 3,100 speech tokens in, 4,800 out.
    expect(voiceCostUsd(usageOf(sonic(3_100, 4_800)), prices, catalogPrice)).toBeCloseTo(0.0669, 10);
    expect(voiceCostUsd(emptyVoiceUsage, prices, catalogPrice)).toBe(0);
  });

  it('prices the cascade: the catalog text model, Transcribe per minute, Polly per character and engine', () => {
    const prices = pricesOf({
      ...shipped,
      transcribe: { perMinute: 0.024 },
      polly: { perMillionCharacters: { neural: 16 } },
    });
    const usage = usageOf(
      { meter: 'textModel', model: 'nova-lite' as ModelId, inputTokens: 1_000_000, outputTokens: 500_000 },
      { meter: 'transcribe', audioSeconds: 90 },
      { meter: 'polly', engine: 'neural', characters: 250_000 },
    );
    // 0.06 + 0.12 (text) + 1.5 min * 0.024 + 0.25 * 16 (speech)
    expect(voiceCostUsd(usage, prices, catalogPrice)).toBeCloseTo(0.06 + 0.12 + 0.036 + 4, 10);
  });

  it('gives no cost when something used has no price, rather than a partial sum', () => {
    const prices = pricesOf({ ...shipped, polly: { perMillionCharacters: { neural: 16 } } });
    const unknownModel = usageOf({ meter: 'textModel', model: 'gpt-x' as ModelId, inputTokens: 5, outputTokens: 5 });
    expect(voiceCostUsd(unknownModel, prices, catalogPrice)).toBeUndefined();
    const unpricedEngine = usageOf({ meter: 'polly', engine: 'generative', characters: 10 });
    expect(voiceCostUsd(unpricedEngine, prices, catalogPrice)).toBeUndefined();
  });
});
