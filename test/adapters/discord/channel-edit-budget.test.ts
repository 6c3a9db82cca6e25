import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DISCORD_CHANNEL_EDITS, discordChannelEditBudgets } from '../../../adapters/discord/channel-edit-budget.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../../adapters/discord/fit-files.ts';
import { InteractionReply } from '../../../adapters/discord/interaction-reply.ts';
import { text } from '../../../src/chat/reply.ts';
import { FakeChatInput } from './fakes.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('Discord per-channel edit budget', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function answer(interaction: FakeChatInput, budgets: ReturnType<typeof discordChannelEditBudgets>) {
    return new InteractionReply({
      interaction,
      ephemeral: false,
      placeThreadKey: undefined,
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
      log: silent,
      signal: new AbortController().signal,
      editIntervalMs: 1_100,
      tokenLifetimeMs: 14 * 60_000,
      now: () => Date.now(),
      budget: budgets.for(interaction.channelId),
    });
  }

  it('shares one budget among answers streaming in a channel, dropping progress edits, never the finals', async () => {
    const budgets = discordChannelEditBudgets();
    const streams = [new FakeChatInput('ask'), new FakeChatInput('ask'), new FakeChatInput('ask')];
    const replies = streams.map((s) => answer(s, budgets));
    // 20 s of three answers each wanting an edit per 1.1 s: ~54 progress edits asked for in one channel.
    for (let t = 0; t < 200; t++) {
      for (const reply of replies) reply.progress(text(`token ${t}`));
      await vi.advanceTimersByTimeAsync(100);
    }
    const progressEdits = streams.reduce((n, s) => n + s.edits.length, 0);
    const allowed = DISCORD_CHANNEL_EDITS.burst + Math.ceil((20 * DISCORD_CHANNEL_EDITS.perMinute) / 60);
    expect(progressEdits).toBeLessThanOrEqual(allowed);
    expect(progressEdits).toBeGreaterThan(DISCORD_CHANNEL_EDITS.burst);
    for (const s of streams) expect(s.edits.length).toBeGreaterThan(0);
    // Finals go at once, budget or not.
    await Promise.all(replies.map((r, i) => r.finish(text(`final ${i}`))));
    for (const [i, s] of streams.entries()) expect(s.edits.at(-1)?.content).toContain(`final ${i}`);
  });

  it('starts the final edit at once while a slow (429-waiting) progress edit is still in flight', async () => {
    const started: string[] = [];
    class SlowInteraction extends FakeChatInput {
      override async editReply(payload: Parameters<FakeChatInput['editReply']>[0]) {
        started.push(String(payload.content ?? payload.embeds?.[0]?.description ?? ''));
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        return super.editReply(payload);
      }
    }
    const interaction = new SlowInteraction('ask');
    const reply = answer(interaction, discordChannelEditBudgets());
    reply.progress(text('first words'));
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toHaveLength(1);
    for (let t = 0; t < 10; t++) reply.progress(text(`more ${t}`));
    const finishing = reply.finish(text('the final answer'));
    await vi.advanceTimersByTimeAsync(0);
    // Before: the final queued behind every stale progress edit (5.0 s per 10 edits, scaled).
    expect(started.at(-1)).toContain('the final answer');
    expect(started).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(5_000);
    await finishing;
  });

  it('keeps channels apart', () => {
    const budgets = discordChannelEditBudgets();
    expect(budgets.for('c-1')).toBe(budgets.for('c-1'));
    expect(budgets.for('c-1')).not.toBe(budgets.for('c-2'));
  });
});
