import { findColumn } from '../../domain/bench/columns.ts';
import { type PromptfooLayout, promptfooLayout } from '../../domain/bench/promptfoo.ts';
import { compileTemplate, type PromptTemplate } from '../../domain/bench/template.ts';
import type { ModelInfo } from '../../domain/models/catalog.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import type { BenchDeps } from './deps.ts';
import type { RunInput } from './run-bench.ts';

/** Where a run's prompts and expected values come from: a prompt column or a compiled template. */
export interface RunLayout {
  readonly prompt: PromptTemplate | number;
  /** The expected column, or promptfoo's `__expected…` columns (each cell its own assertion). */
  readonly expected: readonly number[];
  readonly names: { readonly prompt: string; readonly expected: string };
  /** The file is in promptfoo's CSV test format: rows carry their own assertions, threshold and metadata. */
  readonly promptfoo?: PromptfooLayout;
}

export function resolveModels(deps: BenchDeps, keys: readonly string[]): Result<ModelInfo[]> {
  const unique = [...new Set(keys.map((k) => k.trim()).filter(Boolean))];
  const known = deps.catalog.models.map((m) => `\`${m.id}\``).join(', ');
  if (unique.length < 1 || unique.length > 4) {
    return err(
      appError(
        'bench.bad_models',
        `Run mode takes 1 to 4 models; got ${unique.length}.`,
        `Give \`models:\` a comma-separated list from: ${known}.`,
      ),
    );
  }
  const models: ModelInfo[] = [];
  for (const key of unique) {
    const model = deps.catalog.get(key);
    if (!model) return err(appError('bench.unknown_model', `There is no model “${key}”.`, `Pick from: ${known}.`));
    models.push(model);
  }
  return ok(models);
}

export function resolveJudge(deps: BenchDeps, key: string | undefined): Result<ModelInfo> {
  if (key === undefined) return ok(deps.catalog.defaultModel);
  const model = deps.catalog.get(key);
  const known = deps.catalog.models.map((m) => `\`${m.id}\``).join(', ');
  return model
    ? ok(model)
    : err(appError('bench.unknown_model', `There is no judge model “${key}”.`, `Pick from: ${known}.`));
}

export function resolveLayout(header: readonly string[], input: RunInput): Result<RunLayout> {
  const promptfoo = promptfooLayout(header);
  const expected = promptfoo ? ok(promptfoo.expected) : findColumn(header, 'expected', input.expected);
  if (!expected.ok) return expected;
  const expectedColumns = typeof expected.value === 'number' ? [expected.value] : expected.value;
  const names = (prompt: string) => ({
    prompt,
    expected: expectedColumns.map((i) => header[i] ?? '').join(', '),
  });
  const base = { expected: expectedColumns, ...(promptfoo ? { promptfoo } : {}) };
  if (input.template !== undefined) {
    const template = compileTemplate(input.template, header);
    if (!template.ok) return template;
    return ok({ ...base, prompt: template.value, names: names(`template “${clip(input.template)}”`) });
  }
  // promptfoo files keep their prompt in the config, not the CSV: a lone variable column is the prompt.
  const lone = promptfoo?.variables.length === 1 ? promptfoo.variables[0] : undefined;
  const prompt =
    lone !== undefined && input.prompt === undefined
      ? ok(lone)
      : findColumn(header, 'prompt', input.prompt, [
          ...expectedColumns,
          ...header.flatMap((h, i) => (h.trim().startsWith('__') ? [i] : [])),
        ]);
  if (!prompt.ok) {
    return err({
      ...prompt.error,
      hint: `${prompt.error.hint ?? ''} Or write a \`template:\` with {column} placeholders.`.trim(),
    });
  }
  return ok({ ...base, prompt: prompt.value, names: names(header[prompt.value] ?? '') });
}

const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

/**
 * Whether a file is in promptfoo's CSV test format (it has an `__expected` column): read up to its header only.
 * Lets `/bench file:tests.csv` with no options run the file's assertions instead of looking for predictions.
 */
export async function isPromptfooFile(
  deps: Pick<BenchDeps, 'tables' | 'limits'>,
  file: FileSource,
  sheet: string | undefined,
  signal: AbortSignal,
): Promise<boolean> {
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const options = { maxBytes: deps.limits.maxBytes, ...(sheet === undefined ? {} : { sheet }) };
  try {
    for await (const event of deps.tables.read(file, options, both)) {
      return event.type === 'header' && promptfooLayout(event.columns) !== undefined;
    }
    return false;
  } finally {
    stop.abort();
  }
}
