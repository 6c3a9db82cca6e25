import type { Command, MessageHandler } from '../src/chat/command.ts';
import { askCommand } from './ask.ts';
import { askFollowUp } from './ask-follow-up.ts';
import { benchCommand } from './bench.ts';
import { cancelCommand } from './cancel.ts';
import { deliverCommand } from './deliver.ts';
import { helpCommand } from './help.ts';
import { joinCommand } from './join.ts';
import { kbCommand } from './kb.ts';
import { leaveCommand } from './leave.ts';
import { orderCommand } from './order.ts';
import { orderAssistant } from './order-assistant.ts';
import { restockCommand } from './restock.ts';
import { resultCommand } from './result.ts';
import { trackCommand } from './track.ts';
import { usageCommand } from './usage.ts';
import { voiceCommand } from './voice.ts';

/** Every slash command, in the order surfaces list them. Add a command here and every surface serves it. */
export const commands: readonly Command[] = [
  helpCommand(() => commands),
  askCommand,
  benchCommand,
  resultCommand,
  orderCommand,
  trackCommand,
  cancelCommand,
  deliverCommand,
  restockCommand,
  joinCommand,
  leaveCommand,
  voiceCommand,
  kbCommand,
  usageCommand,
];

/** Free-text handlers (thread follow-ups, DMs, mentions), tried in order. */
export const messageHandlers: readonly MessageHandler[] = [askFollowUp, orderAssistant];
