import { z } from 'zod';
import { type AppError, appError, err, ok, type Result } from '../result.ts';

/** A named way to ask: a system prompt plus a wrapper around the user's words (config/templates.json). */
export interface PromptTemplate {
  readonly name: string;
  readonly description: string;
  readonly system: string;
  /** Contains `{prompt}` exactly where the user's text goes. */
  readonly wrapper: string;
}

export interface PromptTemplates {
  readonly list: readonly PromptTemplate[];
  get(name: string): PromptTemplate | undefined;
}

const fileSchema = z.object({
  templates: z.array(
    z.object({
      name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
      description: z.string().min(1).max(100),
      system: z.string().min(1),
      wrapper: z.string().refine((w) => w.includes('{prompt}'), 'must contain {prompt}'),
    }),
  ),
});

export function parsePromptTemplates(json: unknown): Result<PromptTemplates, AppError> {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return err(appError('config.bad_templates_file', `The prompt templates are invalid: ${lines.join('; ')}`));
  }
  const names = new Set<string>();
  for (const t of parsed.data.templates) {
    if (names.has(t.name)) return err(appError('config.bad_templates_file', `Template \`${t.name}\` is listed twice.`));
    names.add(t.name);
  }
  return ok(promptTemplates(parsed.data.templates));
}

export function promptTemplates(list: readonly PromptTemplate[]): PromptTemplates {
  const byName = new Map(list.map((t) => [t.name, t]));
  return { list, get: (name) => byName.get(name.trim().toLowerCase()) };
}

/** The user's text placed in the template's wrapper (a function replacer: `$` in the prompt stays literal). */
export const applyTemplate = (template: PromptTemplate, prompt: string): string =>
  template.wrapper.replaceAll('{prompt}', () => prompt);
