import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelCatalog } from '../../../src/domain/models/catalog-file.ts';
import { applyTemplate, parsePromptTemplates } from '../../../src/domain/models/prompt-templates.ts';

const shipped = JSON.parse(readFileSync('config/models.json', 'utf8')) as { models: Record<string, unknown>[] };
const options = { defaultModel: 'nova-lite', fallbackChain: [] };

describe('model catalog file', () => {
  it('parses the shipped catalog with the file chain and per-model asOf', () => {
    const result = parseModelCatalog(shipped, options);
    if (!result.ok) throw new Error(result.error.message);
    const catalog = result.value;
    expect(catalog.defaultModel.id).toBe('nova-lite');
    expect(catalog.fallbackChain.map((m) => m.id)).toEqual(['nova-lite', 'claude-haiku-4-5', 'nova-micro']);
    expect(catalog.get('Claude-Haiku-4-5')?.supportsCountTokens).toBe(true);
    expect(catalog.get('claude-sonnet-5-5')).toMatchObject({ fixedSampling: true, tokenEstimateFactor: 1.3 });
    expect(catalog.models.every((m) => m.asOf === '2026-10-01')).toBe(true);
    for (const key of ['nova-micro', 'nova-pro', 'nova-2-lite', 'claude-sonnet-4-5'])
      expect(catalog.get(key)).toBeDefined();
  });

  it('uses the configured chain and rejects unknown keys naming the variable', () => {
    const chained = parseModelCatalog(shipped, { defaultModel: 'nova-pro', fallbackChain: ['nova-micro'] });
    expect(chained.ok && chained.value.fallbackChain.map((m) => m.id)).toEqual(['nova-micro']);
    const badDefault = parseModelCatalog(shipped, { defaultModel: 'gpt-9', fallbackChain: [] });
    expect(badDefault).toMatchObject({ ok: false, error: { code: 'config.unknown_model' } });
    expect(!badDefault.ok && badDefault.error.message).toContain('ASK_DEFAULT_MODEL');
    const badChain = parseModelCatalog(shipped, { defaultModel: 'nova-lite', fallbackChain: ['nope'] });
    expect(!badChain.ok && badChain.error.message).toContain('ASK_FALLBACK_CHAIN');
  });

  it('says which field of which model is wrong', () => {
    const broken = structuredClone(shipped);
    broken.models[1] = { ...broken.models[1], contextWindow: -5 };
    const result = parseModelCatalog(broken, options);
    expect(result).toMatchObject({ ok: false, error: { code: 'config.bad_models_file' } });
    expect(!result.ok && result.error.message).toContain('models.1.contextWindow');
    const twice = structuredClone(shipped);
    twice.models.push(twice.models[0] as Record<string, unknown>);
    expect(!parseModelCatalog(twice, options).ok).toBe(true);
  });
});

describe('prompt templates file', () => {
  it('parses the shipped templates and wraps prompts literally', () => {
    const result = parsePromptTemplates(JSON.parse(readFileSync('config/templates.json', 'utf8')));
    if (!result.ok) throw new Error(result.error.message);
    const explain = result.value.get('explain');
    expect(explain).toBeDefined();
    if (explain) expect(applyTemplate(explain, 'costs $& and $1')).toContain('costs $& and $1');
  });

  it('rejects a wrapper without {prompt}', () => {
    const result = parsePromptTemplates({
      templates: [{ name: 'x', description: 'd', system: 's', wrapper: 'no slot' }],
    });
    expect(!result.ok && result.error.message).toContain('templates.0.wrapper');
  });
});
