import type { EditBudgets } from '../../../src/chat/edit-budget.ts';
import type { EditableMessages } from '../../../src/voice/channel-io.ts';
import type { VoiceHost } from './voice-host.ts';

/** Discord's longest message, and about how often one message may be edited. */
const MAX_LENGTH = 2_000;
const EDIT_INTERVAL_MS = 1_000;

/**
 * A voice session's transcript messages in the text chat of the channel the bot is in now (`here()` follows moves).
 * A message's id carries its channel, so after a move earlier turns are still edited where they were posted.
 */
export function channelMessages(host: VoiceHost, here: () => string, budgets: EditBudgets): EditableMessages {
  return {
    post: async (text) => {
      const channelId = here();
      return `${channelId}/${await host.send(channelId, text)}`;
    },
    edit: (id, text) => {
      const [channelId = '', messageId = ''] = id.split('/');
      return host.edit(channelId, messageId, text);
    },
    maxLength: MAX_LENGTH,
    editIntervalMs: EDIT_INTERVAL_MS,
    budget: () => budgets.for(here()),
  };
}
