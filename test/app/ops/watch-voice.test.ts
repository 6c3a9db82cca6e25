import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchVoice } from '../../../src/app/ops/watch-voice.ts';
import { userId } from '../../../src/domain/ids.ts';
import type { RunningVoiceConversation, VoiceEnd } from '../../../src/voice/conversation-loop.ts';
import { type BudgetStack, startBudgetStack } from '../../support/budget-stack.ts';
import { RecordingLogger } from '../../support/command-context.ts';

function aConversation() {
  const ended = Promise.withResolvers<VoiceEnd>();
  let stops = 0;
  const conversation: RunningVoiceConversation = {
    stop: async () => {
      stops += 1;
      ended.resolve({ status: 'stopped' });
    },
    stats: () => ({ engine: 'cascade', model: undefined, renewals: 0, turns: 0, voiceToVoiceMs: undefined }),
    done: ended.promise,
    summary: () => {
      throw new Error('not used');
    },
  };
  return { conversation, ended, stops: () => stops };
}

describe('voice minutes against the budgets', () => {
  let stack: BudgetStack;
  beforeAll(async () => {
    stack = await startBudgetStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('charges minutes as they pass, and says so and leaves when the budget runs out', async () => {
    const budgets = stack.budgets(
      { user: { default: { period: 'day', voiceMinutes: 3 }, staff: { period: 'day' } }, server: { period: 'month' } },
      () => new Date('2026-12-04T12:00:00Z'),
    );
    const payer = { user: userId('discord', 'talker'), isStaff: false, server: 'discord:g1' };
    let now = 0;
    let tick: (() => void) | undefined;
    const posted: string[] = [];
    const { conversation, ended, stops } = aConversation();
    watchVoice(conversation, {
      io: { post: async (line) => void posted.push(line) },
      engine: 'cascade',
      log: new RecordingLogger(),
      budgets: { budgets, payer },
      clock: () => now,
      every: (_ms, t) => {
        tick = t;
        return () => {
          tick = undefined;
        };
      },
    });
    const minute = async () => {
      now += 60_000;
      tick?.();
      // Let the charge's store round trips finish.
      for (
        let i = 0;
        i < 50 &&
        (await budgets.usage({ kind: 'user', user: payer.user, isStaff: false })).used.voiceSeconds < now / 1000;
        i++
      )
        await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await minute();
    await minute();
    expect(posted).toEqual([]);
    await minute();
    await ended.promise;
    expect(posted).toEqual([
      expect.stringMatching(
        /^You have used up your daily voice-minute budget \(3 min of 3 min\)\. It resets at 00:00 UTC on 2026-12-05.*I am leaving the channel now\.$/,
      ),
    ]);
    expect(stops()).toBe(1);
    const server = await budgets.usage({ kind: 'server', server: 'discord:g1' });
    expect(server.used.voiceSeconds).toBe(180);
  });
});
