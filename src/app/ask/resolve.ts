import type { ModelCatalog, ModelInfo } from '../../domain/models/catalog.ts';
import type { PromptTemplate, PromptTemplates } from '../../domain/models/prompt-templates.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';

/** The longest prompt /ask takes (also the slash option's limit), in characters. */
export const MAX_PROMPT_CHARS = 4_000;

export function checkPrompt(prompt: string): Result<string, AppError> {
  const trimmed = prompt.trim();
  if (trimmed === '') return err(appError('ask.empty_prompt', 'The prompt is empty.', 'Type a question after /ask.'));
  if (trimmed.length > MAX_PROMPT_CHARS) {
    return err(
      appError(
        'ask.prompt_too_long',
        `The prompt is ${trimmed.length.toLocaleString('en-US')} characters; the limit is ${MAX_PROMPT_CHARS.toLocaleString('en-US')}.`,
        'Shorten it, or split it into several questions.',
      ),
    );
  }
  return ok(trimmed);
}

export function resolveModel(catalog: ModelCatalog, key: string | undefined): Result<ModelInfo, AppError> {
  if (key === undefined || key.trim() === '') return ok(catalog.defaultModel);
  const model = catalog.get(key);
  if (model) return ok(model);
  return err(
    appError(
      'ask.unknown_model',
      `There is no model called \`${key.trim()}\`.`,
      `Pick one of: ${catalog.models.map((m) => `\`${m.id}\``).join(', ')}.`,
    ),
  );
}

export function resolveTemplate(
  templates: PromptTemplates,
  name: string | undefined,
): Result<PromptTemplate | undefined, AppError> {
  if (name === undefined || name.trim() === '') return ok(undefined);
  const template = templates.get(name);
  if (template) return ok(template);
  return err(
    appError(
      'ask.template_not_found',
      `There is no prompt template called \`${name.trim()}\`.`,
      templates.list.length > 0
        ? `Pick one of: ${templates.list.map((t) => `\`${t.name}\``).join(', ')}.`
        : 'No templates are configured (TEMPLATES_FILE).',
    ),
  );
}

/** Catalog models with a larger context than `model`, for "pick a larger model" hints. */
export const largerModels = (catalog: ModelCatalog, model: ModelInfo): readonly ModelInfo[] =>
  catalog.models.filter((m) => m.contextWindow > model.contextWindow);
