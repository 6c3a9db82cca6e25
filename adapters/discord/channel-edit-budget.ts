import { EditBudgets } from '../../src/chat/edit-budget.ts';

/**
 * Discord lets a channel take about 5 message writes per 5 s (community-observed; the bucket is per channel, and
 * several answers streaming there share it). Progress edits get half of that (30 a minute, 2 at once), and the
 * budget keeps a reserve for finals (EditBudget.open): a progress edit goes only if, after it, one token is left
 * for the final of each other answer streaming in the channel (as far as the burst allows). One answer alone edits as often
 * as before; three finishing together in bench:ask all land ~0.06 s after their last token (before the reserve the
 * third waited ~1.7 s; a modelled 60/min burst 5 bucket over-admits against Discord's fixed window and did worse).
 * A progress edit the budget refuses is dropped and the latest one tried later.
 */
export const DISCORD_CHANNEL_EDITS = { perMinute: 30, burst: 2 } as const;

export const discordChannelEditBudgets = (): EditBudgets => new EditBudgets(DISCORD_CHANNEL_EDITS);
