import { appError, err, ok, type Result } from '../result.ts';

/** A prompt template with `{column}` placeholders, checked against the header once and then filled per row. */
export interface PromptTemplate {
  readonly parts: readonly (string | number)[];
}

const PLACEHOLDER = /\{\{?\s*([^{}]+?)\s*\}?\}/g;

export function compileTemplate(template: string, header: readonly string[]): Result<PromptTemplate> {
  const parts: (string | number)[] = [];
  let at = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    const index = header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
    if (index < 0) {
      return err(
        appError(
          'bench.missing_column',
          `The template uses {${name}}, but the file has no such column.`,
          `Columns found: ${header.map((h) => `“${h}”`).join(', ')}. Placeholders are column names in braces.`,
        ),
      );
    }
    parts.push(template.slice(at, match.index), index);
    at = match.index + match[0].length;
  }
  parts.push(template.slice(at));
  if (!parts.some((p) => typeof p === 'number')) {
    return err(
      appError(
        'bench.bad_template',
        'The template has no {column} placeholder, so every row would get the same prompt.',
        'Write it like `template:"Classify the sentiment: {sentence}"`.',
      ),
    );
  }
  return ok({ parts });
}

export const fillTemplate = (template: PromptTemplate, cells: readonly string[]): string =>
  template.parts.map((p) => (typeof p === 'number' ? (cells[p] ?? '') : p)).join('');
