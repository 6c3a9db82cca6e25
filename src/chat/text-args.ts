import { appError, err, ok, type Result } from '../domain/result.ts';
import type { Command } from './command.ts';
import { isRequired, type RawOptions } from './options.ts';

/**
 * Parses free-text arguments (Slack slash commands, the playground's command box) into raw options:
 * `name:value` or `name:"quoted value"` pairs for known options; the remaining words fill the first
 * string option not given (so `/ask why is the sky blue` sets `prompt`).
 */
export function parseTextArgs(command: Command, input: string): Result<RawOptions> {
  const values: Record<string, string> = {};
  const loose: string[] = [];
  for (const token of tokenize(input)) {
    const colon = token.indexOf(':');
    const name = colon > 0 ? token.slice(0, colon) : '';
    if (name && Object.hasOwn(command.options, name)) {
      if (Object.hasOwn(values, name)) {
        return err(appError('input.repeated_option', `\`${name}\` is given twice.`, usage(command)));
      }
      values[name] = unquote(token.slice(colon + 1));
    } else {
      loose.push(unquote(token));
    }
  }
  if (loose.length > 0) {
    const target = Object.entries(command.options).find(([n, s]) => s.type === 'string' && !Object.hasOwn(values, n));
    if (!target) {
      return err(
        appError('input.unexpected_text', `I don't know what to do with “${loose.join(' ')}”.`, usage(command)),
      );
    }
    values[target[0]] = loose.join(' ');
  }
  return ok(values);
}

/** One line that shows how to write the command, for error hints and help. */
export function usage(command: Command): string {
  const parts = Object.entries(command.options)
    .filter(([, spec]) => spec.type !== 'attachment')
    .map(([name, spec]) => (isRequired(spec) ? `${name}:<${spec.type}>` : `[${name}:<${spec.type}>]`));
  return `Usage: /${command.name} ${parts.join(' ')}`.trimEnd();
}

function* tokenize(input: string): Generator<string> {
  // A token is a run of non-space characters, where "double quoted" parts may contain spaces.
  const re = /(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g;
  for (const match of input.matchAll(re)) yield match[0];
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}
