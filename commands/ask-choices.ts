import shippedModels from '../config/models.json' with { type: 'json' };
import shippedTemplates from '../config/templates.json' with { type: 'json' };
import type { Choice } from '../src/chat/options.ts';

/**
 * What the /ask options offer while typing: model suggestions and template choices. Option specs are static
 * (slash commands are registered ahead of time, without the running config), so they come from the shipped files;
 * the use case checks against the loaded MODELS_FILE / TEMPLATES_FILE and names the valid keys if they differ.
 */
export interface AskChoices {
  readonly models: readonly Choice[];
  readonly templates: readonly Choice[];
}

export const shippedAskChoices: AskChoices = {
  models: shippedModels.models.map((m) => ({ name: `${m.name} (${m.id})`, value: m.id })),
  templates: shippedTemplates.templates.map((t) => ({
    name: `${t.name}: ${t.description}`.slice(0, 100),
    value: t.name,
  })),
};

/** Discord shows at most 25 suggestions; matches on key or name, case-insensitively. */
export function suggest(choices: readonly Choice[], query: string): readonly Choice[] {
  const q = query.trim().toLowerCase();
  return choices.filter((c) => c.value.includes(q) || c.name.toLowerCase().includes(q)).slice(0, 25);
}

/**
 * For a comma-separated list (`compare`): completes the last item and keeps the ones already typed, since picking
 * a suggestion replaces the whole value. Models already in the list are not offered again.
 */
export function suggestList(choices: readonly Choice[], query: string): readonly Choice[] {
  const comma = query.lastIndexOf(',');
  const typed =
    comma < 0
      ? []
      : query
          .slice(0, comma)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const prefix = typed.length > 0 ? `${typed.join(',')},` : '';
  return suggest(choices, query.slice(comma + 1))
    .filter((c) => !typed.includes(c.value))
    .map((c) => ({ name: `${prefix}${c.value}`.slice(0, 100), value: `${prefix}${c.value}`.slice(0, 100) }));
}
