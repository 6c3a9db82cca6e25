import type { ReplyAction } from './reply.ts';

/** The prefix of every action button's id on every surface (Discord custom_id, Slack action_id, playground key). */
export const ACTION_PREFIX = 'do:';

/** A button's id: `do:<command>.<name>:<arg>`. */
export const actionKey = (action: Pick<ReplyAction, 'command' | 'name' | 'arg'>): string =>
  `${ACTION_PREFIX}${action.command}.${action.name}:${action.arg}`;

const KEY = /^do:([a-z][a-z0-9-]{0,31})\.([a-z][a-z0-9-]{0,31}):([A-Za-z0-9_-]{1,64})$/;

/** The parts of a button id a client sent back (untrusted: anything else is undefined). */
export function parseActionKey(key: string): { command: string; name: string; arg: string } | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const [, command = '', name = '', arg = ''] = match;
  return { command, name, arg };
}
