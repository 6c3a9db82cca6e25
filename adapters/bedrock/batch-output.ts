import { z } from 'zod';
import type { BatchManifest, BatchRecordResult } from '../../src/ports/batch-inference.ts';
import { parseNativeOutput } from './batch-body.ts';

const outputLine = z.object({
  recordId: z.string(),
  modelOutput: z.unknown().optional(),
  error: z
    .object({ errorCode: z.union([z.number(), z.string()]).optional(), errorMessage: z.string().optional() })
    .passthrough()
    .optional(),
});

/**
 * One line of a `.jsonl.out` file: `{recordId, modelInput, modelOutput}`, or `error` instead of `modelOutput`
 * (Bedrock user guide, "View the results of a batch inference job"). The output body's shape tells the family.
 */
export function parseOutputLine(line: string): BatchRecordResult {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { recordId: '', ok: false, code: 'batch.bad_output', message: 'an output line is not JSON' };
  }
  const parsed = outputLine.safeParse(json);
  if (!parsed.success)
    return { recordId: '', ok: false, code: 'batch.bad_output', message: 'an output line has no recordId' };
  const { recordId, modelOutput, error } = parsed.data;
  if (error || modelOutput === undefined) {
    const code = error?.errorCode === undefined ? 'unknown' : String(error.errorCode);
    return { recordId, ok: false, code: `batch.record_${code}`, message: error?.errorMessage ?? 'no output' };
  }
  const family = isObject(modelOutput) && 'output' in modelOutput ? 'nova' : 'claude';
  const answer = parseNativeOutput(family, modelOutput);
  return answer.ok
    ? { recordId, ...answer }
    : { recordId, ok: false, code: 'batch.bad_output', message: answer.message };
}

const manifest = z.object({
  totalRecordCount: z.number(),
  processedRecordCount: z.number(),
  successRecordCount: z.number(),
  errorRecordCount: z.number(),
  inputTokenCount: z.number().optional(),
  outputTokenCount: z.number().optional(),
});

export function parseManifest(text: string): BatchManifest | undefined {
  try {
    const parsed = manifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
