import { readFile } from 'node:fs/promises';
import type { ModelCatalog } from '../../src/domain/models/catalog.ts';
import { type CatalogOptions, parseModelCatalog } from '../../src/domain/models/catalog-file.ts';
import { type PromptTemplates, parsePromptTemplates } from '../../src/domain/models/prompt-templates.ts';
import type { AppError, Result } from '../../src/domain/result.ts';
import { parseVoicePrices, type VoicePrices } from '../../src/domain/voice/prices.ts';

/** Reads config/models.json (MODELS_FILE). Throws with the file name and every problem: the bot cannot start without it. */
export async function loadModelCatalog(path: string, options: CatalogOptions): Promise<ModelCatalog> {
  return unwrap(path, parseModelCatalog(await readJson(path), options));
}

/** Reads config/templates.json (TEMPLATES_FILE). */
export async function loadPromptTemplates(path: string): Promise<PromptTemplates> {
  return unwrap(path, parsePromptTemplates(await readJson(path)));
}

/** Reads config/voice-prices.json. */
export async function loadVoicePrices(path: string): Promise<VoicePrices> {
  return unwrap(path, parseVoicePrices(await readJson(path)));
}

async function readJson(path: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function unwrap<T>(path: string, result: Result<T, AppError>): T {
  if (!result.ok)
    throw new Error(`${path}: ${result.error.message}${result.error.hint ? ` ${result.error.hint}` : ''}`);
  return result.value;
}
