import { appError, err, ok, type Result } from '../domain/result.ts';
import type { Command } from './command.ts';
import { parseArgs } from './command-line.js';
import { isRequired, type RawOptions } from './options.ts';

/**
 * Parses free-text arguments (Slack slash commands, the playground's command box) into raw options with the
 * grammar in command-line.js, the same file the playground's browser box runs: `name:value` or
 * `name:"quoted value"` pairs; the remaining words fill the first string option not given (so `/ask why is the
 * sky blue` sets `prompt`). Unknown option names, repeats and unclosed quotes are errors with a fix.
 */
export function parseTextArgs(command: Command, input: string): Result<RawOptions> {
  const options = Object.entries(command.options)
    .filter(([, spec]) => spec.type !== 'attachment')
    .map(([name, spec]) => ({ name, type: spec.type }));
  const parsed = parseArgs(command.name, options, input);
  if (!parsed.ok) {
    const { code, message, hint } = parsed.error;
    return err(appError(code, message, `${hint}\n\`${usage(command)}\``));
  }
  return ok(parsed.values);
}

/** One line that shows how to write the command, for error hints and help. */
export function usage(command: Command): string {
  const parts = Object.entries(command.options)
    .filter(([, spec]) => spec.type !== 'attachment')
    .map(([name, spec]) => (isRequired(spec) ? `${name}:<${spec.type}>` : `[${name}:<${spec.type}>]`));
  return `Usage: /${command.name} ${parts.join(' ')}`.trimEnd();
}
