import type { Command } from '../../src/chat/command.ts';
import type { Invoker } from '../../src/chat/context.ts';
import type { Choice } from '../../src/chat/options.ts';
import type { Core } from '../../src/chat/surface.ts';

/** Discord shows at most 25 suggestions; the playground does the same so commands behave alike. */
const maxChoices = 25;

/** Suggestions for one option while the user types: fixed choices filtered by the query, or the option's own autocomplete. */
export async function autocompleteChoices(
  deps: { readonly core: Core; readonly commands: readonly Command[] },
  invoker: Invoker,
  request: { readonly command: string; readonly option: string; readonly query: string },
): Promise<Choice[]> {
  const spec = deps.commands.find((c) => c.name === request.command)?.options[request.option];
  if (spec?.type !== 'string') return [];
  if (spec.choices) {
    const q = request.query.trim().toLowerCase();
    return spec.choices
      .filter((c) => c.name.toLowerCase().includes(q) || c.value.toLowerCase().includes(q))
      .slice(0, maxChoices)
      .map((c) => ({ name: c.name, value: c.value }));
  }
  if (!spec.autocomplete) return [];
  try {
    const choices = await spec.autocomplete(request.query, invoker, deps.core.deps);
    return choices.slice(0, maxChoices).map((c) => ({ name: c.name, value: c.value }));
  } catch (error) {
    deps.core.log.warn({ err: error, platform: 'web', command: request.command }, 'autocomplete failed');
    return [];
  }
}
