import { EditBudgets } from '../../src/chat/edit-budget.ts';

/**
 * Discord lets a channel take about 5 message writes per 5 s (community-observed; the bucket is per channel, and
 * several answers streaming there share it). Progress edits get half of that (30 a minute, 2 at once), so the
 * finals, which never wait but are counted, find the bucket open: with 50/min and a burst of 4, three answers
 * finishing together waited ~1.8 s for the bucket in bench:ask; with 30/min and 2, two of three went at once and
 * the third after ~1.6 s. A progress edit the budget refuses is dropped and the latest one tried later.
 */
export const DISCORD_CHANNEL_EDITS = { perMinute: 30, burst: 2 } as const;

export const discordChannelEditBudgets = (): EditBudgets => new EditBudgets(DISCORD_CHANNEL_EDITS);
