import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costUsd, formatUsd } from '../../../src/domain/models/catalog.ts';
import { parseModelCatalog } from '../../../src/domain/models/catalog-file.ts';

const shippedJson = JSON.parse(readFileSync('config/models.json', 'utf8')) as {
  asOf: string;
  models: Record<string, unknown>[];
};
const parsed = parseModelCatalog(shippedJson, { defaultModel: 'nova-lite', fallbackChain: [] });
if (!parsed.ok) throw new Error(parsed.error.message);
const catalog = parsed.value;
const model = (key: string) => {
  const found = catalog.get(key);
  if (!found) throw new Error(`${key} missing from config/models.json`);
  return found;
};

describe('costUsd', () => {
  it('prices a long Claude Haiku 5.5 prompt at its upper tier (measured: $0.0160 instead of $0.080)', () => {
    const haiku = model('claude-haiku-5-5');
    expect(costUsd(haiku, { inputTokens: 150_000, outputTokens: 2_000 })).toBeCloseTo(0.08, 10);
    expect(formatUsd(costUsd(haiku, { inputTokens: 150_000, outputTokens: 2_000 }))).toBe('$0.0800');
    // At and below the threshold the lower tier applies.
    expect(costUsd(haiku, { inputTokens: 100_000, outputTokens: 2_000 })).toBeCloseTo(0.011, 10);
  });

  it('picks the tier by the whole prompt, cache reads and writes included', () => {
    const haiku = model('claude-haiku-5-5');
    // 60K fresh + 50K read from the cache = a 110K prompt: upper tier, cache tokens billed as input there.
    expect(
      costUsd(haiku, { inputTokens: 60_000, outputTokens: 0, cacheReadInputTokens: 50_000, cacheWriteInputTokens: 0 }),
    ).toBeCloseTo((110_000 * 0.5) / 1e6, 10);
  });

  it('prices cache reads and writes at their own rates', () => {
    const haiku45 = model('claude-haiku-4-5');
    const usd = costUsd(haiku45, {
      inputTokens: 1_000,
      outputTokens: 100,
      cacheReadInputTokens: 10_000,
      cacheWriteInputTokens: 2_000,
    });
    expect(usd).toBeCloseTo((1_000 * 1 + 100 * 5 + 10_000 * 0.1 + 2_000 * 1.25) / 1e6, 12);
  });
});

describe('formatUsd', () => {
  it('never prints "$0." for a tiny cost (measured: Nova Micro, 10 tokens in)', () => {
    const tiny = costUsd(model('nova-micro'), { inputTokens: 10, outputTokens: 0 });
    expect(formatUsd(tiny)).toBe('$0.00000035');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(1e-12)).not.toMatch(/\$0\.?$|e-/);
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.5)).toBe('$0.5000');
  });
});

describe('catalog entries', () => {
  it('each carry their own asOf and a public https source', () => {
    for (const entry of shippedJson.models) {
      expect(entry.asOf, String(entry.id)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(String(entry.source), String(entry.id)).toMatch(/^https:\/\//);
    }
    for (const m of catalog.models) expect(m.source).toMatch(/^https:\/\//);
  });

  it('refuses an entry without asOf or source, naming the field', () => {
    const noSource = structuredClone(shippedJson);
    delete noSource.models[0]?.source;
    const result = parseModelCatalog(noSource, { defaultModel: 'nova-lite', fallbackChain: [] });
    expect(!result.ok && result.error.message).toContain('models.0.source');
    const noDate = structuredClone(shippedJson);
    delete noDate.models[2]?.asOf;
    const undated = parseModelCatalog(noDate, { defaultModel: 'nova-lite', fallbackChain: [] });
    expect(!undated.ok && undated.error.message).toContain('models.2.asOf');
  });

  it('keeps an entry checked after the file date with its own date', () => {
    const later = structuredClone(shippedJson);
    later.models[0] = { ...later.models[0], asOf: '2026-11-20' };
    const result = parseModelCatalog(later, { defaultModel: 'nova-lite', fallbackChain: [] });
    expect(result.ok && result.value.models[0]?.asOf).toBe('2026-11-20');
    expect(later.asOf).toBe('2026-10-01');
  });

  it('rejects a tier with a misspelt price', () => {
    const bad = structuredClone(shippedJson);
    const haiku = bad.models.find((m) => m.id === 'claude-haiku-5-5') as { price: { tiers: object[] } };
    haiku.price.tiers = [{ abovePromptTokens: 100_000, inputPerMTok: 0.5, outputPerMtok: 2.5 }];
    const result = parseModelCatalog(bad, { defaultModel: 'nova-lite', fallbackChain: [] });
    expect(result.ok).toBe(false);
  });
});
