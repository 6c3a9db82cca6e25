import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelCatalog, loadPromptTemplates, loadVoicePrices } from '../../../adapters/local/config-files.ts';

describe('config files', () => {
  it('loads the shipped catalog and templates', async () => {
    const catalog = await loadModelCatalog('config/models.json', { defaultModel: 'nova-lite', fallbackChain: [] });
    expect(catalog.models.length).toBeGreaterThanOrEqual(6);
    const templates = await loadPromptTemplates('config/templates.json');
    expect(templates.list.length).toBeGreaterThan(0);
    const prices = await loadVoicePrices('config/voice-prices.json');
    expect(prices.sonic.speechOutputPerMTok).toBe(12);
  });

  it('names the file when it is missing or not JSON', async () => {
    await expect(loadModelCatalog('config/nope.json', { defaultModel: 'x', fallbackChain: [] })).rejects.toThrow(
      /Cannot read config\/nope\.json/,
    );
    const bad = join(mkdtempSync(join(tmpdir(), 'sonicord-')), 'models.json');
    writeFileSync(bad, '{ "models": [');
    await expect(loadModelCatalog(bad, { defaultModel: 'x', fallbackChain: [] })).rejects.toThrow(/not valid JSON/);
    await expect(loadPromptTemplates(bad)).rejects.toThrow(bad);
    await expect(loadVoicePrices(bad)).rejects.toThrow(bad);
  });
});
