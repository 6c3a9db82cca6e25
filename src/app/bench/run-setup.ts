import { findColumn } from '../../domain/bench/columns.ts';
import { compileTemplate, type PromptTemplate } from '../../domain/bench/template.ts';
import type { ModelInfo } from '../../domain/models/catalog.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { BenchDeps } from './deps.ts';
import type { RunInput } from './run-bench.ts';

/** Where a run's prompts and expected values come from: a prompt column or a compiled template. */
export interface RunLayout {
  readonly prompt: PromptTemplate | number;
  readonly expected: number;
  readonly names: { readonly prompt: string; readonly expected: string };
  /** The expected column is promptfoo's `__expected`: cells carry their own grader (`contains:…`, `regex:…`). */
  readonly promptfoo: boolean;
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
  const expected = findColumn(header, 'expected', input.expected);
  if (!expected.ok) return expected;
  const names = (prompt: string) => ({ prompt, expected: header[expected.value] ?? '' });
  const promptfoo = header[expected.value]?.trim() === '__expected';
  if (input.template !== undefined) {
    const template = compileTemplate(input.template, header);
    if (!template.ok) return template;
    return ok({
      prompt: template.value as PromptTemplate | number,
      expected: expected.value,
      promptfoo,
      names: names(`template “${clip(input.template)}”`),
    });
  }
  const prompt = findColumn(header, 'prompt', input.prompt, [expected.value]);
  if (!prompt.ok) {
    return err({
      ...prompt.error,
      hint: `${prompt.error.hint ?? ''} Or write a \`template:\` with {column} placeholders.`.trim(),
    });
  }
  return ok({
    prompt: prompt.value as PromptTemplate | number,
    expected: expected.value,
    promptfoo,
    names: names(header[prompt.value] ?? ''),
  });
}

const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 79)}…` : text);
