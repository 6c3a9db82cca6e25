import type { Command, MessageHandler } from '../src/chat/command.ts';
import { helpCommand } from './help.ts';

/** Every slash command, in the order surfaces list them. Add a command here and every surface serves it. */
export const commands: readonly Command[] = [helpCommand(() => commands)];

/** Free-text handlers (thread follow-ups, DMs, mentions), tried in order. */
export const messageHandlers: readonly MessageHandler[] = [];
