import { EditBudgets } from '../../src/chat/edit-budget.ts';

/**
 * Discord lets a channel take about 5 message writes per 5 s (community-observed; the bucket is per channel, and
 * several answers streaming there share it). Progress edits stay a little under that, so finals, which never wait
 * but are counted, keep headroom; a progress edit the budget refuses is dropped and the latest one tried later.
 */
export const DISCORD_CHANNEL_EDITS = { perMinute: 50, burst: 4 } as const;

export const discordChannelEditBudgets = (): EditBudgets => new EditBudgets(DISCORD_CHANNEL_EDITS);
