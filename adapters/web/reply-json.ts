import { actionKey } from '../../src/chat/actions.ts';
import type { Command } from '../../src/chat/command.ts';
import { isRequired } from '../../src/chat/options.ts';
import type { OutFile, Reply, ReplyAction } from '../../src/chat/reply.ts';
import { usage } from '../../src/chat/text-args.ts';
import { assertNever } from '../../src/domain/result.ts';
import type { CommandInfo, FileJson, OptionInfo, ReplyJson } from './protocol.ts';

/** A Reply as JSON for the page; binary files become base64. */
export function replyJson(reply: Reply): ReplyJson {
  switch (reply.kind) {
    case 'text': {
      const { actions, ...rest } = reply;
      if (!actions || actions.length === 0) return rest;
      return { ...rest, actions: actions.map((a) => ({ key: actionKey(a), label: a.label, ...styleOf(a) })) };
    }
    case 'table':
    case 'error':
      return { ...reply };
    case 'composite':
      return { kind: 'composite', parts: reply.parts.map(replyJson), files: (reply.files ?? []).map(fileJson) };
    default:
      return assertNever(reply);
  }
}

const styleOf = (a: ReplyAction) => (a.style === undefined ? {} : { style: a.style });

const fileJson = (file: OutFile): FileJson => ({
  name: file.name,
  contentType: file.contentType,
  ...(file.description === undefined ? {} : { description: file.description }),
  base64: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength).toString('base64'),
});

/** The command specs the page needs for its command box (functions stay on the server). */
export function commandInfo(command: Command): CommandInfo {
  const options = Object.entries(command.options).map(([name, spec]): OptionInfo => {
    const base = { name, type: spec.type, description: spec.description, required: isRequired(spec) };
    switch (spec.type) {
      case 'string':
        return {
          ...base,
          autocomplete: spec.autocomplete !== undefined,
          ...(spec.choices ? { choices: spec.choices.map((c) => ({ name: c.name, value: c.value })) } : {}),
        };
      case 'integer':
        return {
          ...base,
          autocomplete: false,
          ...(spec.min === undefined ? {} : { min: spec.min }),
          ...(spec.max === undefined ? {} : { max: spec.max }),
        };
      case 'boolean':
        return { ...base, autocomplete: false };
      case 'attachment':
        return { ...base, autocomplete: false, ...(spec.extensions ? { extensions: [...spec.extensions] } : {}) };
      default:
        return assertNever(spec);
    }
  });
  return {
    name: command.name,
    description: command.description,
    staffOnly: command.staffOnly === true,
    usage: usage(command),
    options,
  };
}
