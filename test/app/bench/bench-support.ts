import { createReadStream, readFileSync, statSync } from 'node:fs';
import { CanvasChartRenderer } from '../../../adapters/charts/canvas-chart-renderer.ts';
import { FileTableSource } from '../../../adapters/files/file-table-source.ts';
import { type BenchDeps, defaultBenchLimits } from '../../../src/app/bench/deps.ts';
import type { ModelId } from '../../../src/domain/ids.ts';
import type { ModelCatalog, ModelInfo } from '../../../src/domain/models/catalog.ts';
import type { FileSource } from '../../../src/ports/file-source.ts';
import type { TextModel } from '../../../src/ports/text-model.ts';

export const fixture = (name: string): string => new URL(`../../fixtures/bench/${name}`, import.meta.url).pathname;
export const sharedData = (name: string): string =>
  new URL(`../../../../shared/data/${name}`, import.meta.url).pathname;

/** An uploaded file backed by a path on disk, streamed in small chunks like a download. */
export function fileAt(path: string, name = path.slice(path.lastIndexOf('/') + 1)): FileSource {
  return {
    name,
    size: statSync(path).size,
    open: (signal) => createReadStream(path, { highWaterMark: 16 * 1024, ...(signal ? { signal } : {}) }),
  };
}

/** An uploaded file with the given content, delivered in `chunk`-byte pieces (to cross chunk boundaries). */
export function fileOf(name: string, content: string | Uint8Array, chunk = 7): FileSource {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.byteLength,
    async *open() {
      for (let at = 0; at < bytes.byteLength; at += chunk) yield bytes.subarray(at, at + chunk);
    },
  };
}

/** The SST-2 (pt) dev set with a prediction column: the label, flipped on every fifth row. */
export function sst2WithPredictions(): { file: FileSource; rows: number; flipped: number } {
  const lines = readFileSync(sharedData('sst2-pt-dev.tsv'), 'utf8').trimEnd().split('\n');
  const out = ['sentence\tlabel\tprediction'];
  let flipped = 0;
  lines.slice(1).forEach((line, i) => {
    const label = line.slice(line.lastIndexOf('\t') + 1);
    const prediction = i % 5 === 0 ? String(1 - Number(label)) : label;
    if (i % 5 === 0) flipped++;
    out.push(`${line}\t${prediction}`);
  });
  return { file: fileOf('sst2-pt-dev.tsv', `${out.join('\n')}\n`, 4096), rows: lines.length - 1, flipped };
}

export const aModel = (id: string, inputPerMTok = 1, outputPerMTok = 2): ModelInfo => ({
  id: id as ModelId,
  name: id,
  bedrockId: `us.${id}`,
  baseModelId: id,
  provider: 'amazon',
  contextWindow: 100_000,
  maxOutputTokens: 4096,
  price: { inputPerMTok, outputPerMTok },
  supportsCountTokens: false,
  fixedSampling: false,
  tokenEstimateFactor: 1,
  asOf: '2026-11-01',
});

export function aCatalog(models: readonly ModelInfo[]): ModelCatalog {
  const first = models[0];
  if (!first) throw new Error('a catalog needs a model');
  return { models, get: (id) => models.find((m) => m.id === id), defaultModel: first, fallbackChain: [] };
}

const noModel: TextModel = {
  generate() {
    throw new Error('no model in this test');
  },
  countTokens: async () => undefined,
};

export function benchDeps(overrides: Partial<BenchDeps> = {}): BenchDeps {
  return {
    tables: new FileTableSource(),
    charts: new CanvasChartRenderer(),
    textModel: noModel,
    catalog: aCatalog([aModel('nova-lite')]),
    limits: { ...defaultBenchLimits, progressIntervalMs: 0, backoffMs: 1 },
    clock: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...overrides,
  };
}

export const neverAborted = new AbortController().signal;
