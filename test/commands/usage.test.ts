import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageCommand } from '../../commands/usage.ts';
import type { Budgets } from '../../src/app/budgets/budgets.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import { userId } from '../../src/domain/ids.ts';
import { type BudgetStack, startBudgetStack } from '../support/budget-stack.ts';
import { aCommandContext } from '../support/command-context.ts';

const NOW = new Date('2026-11-24T10:00:00Z');

describe('/usage', () => {
  let stack: BudgetStack;
  let budgets: Budgets;
  beforeAll(async () => {
    stack = await startBudgetStack();
    budgets = stack.budgets(
      {
        user: {
          default: { period: 'day', tokens: 10_000, costUsd: 1 },
          staff: { period: 'day', tokens: 100_000, costUsd: 10, voiceMinutes: 60 },
        },
        server: { period: 'month', tokens: 1_000_000 },
      },
      () => NOW,
    );
    const held = await budgets.hold(
      { user: userId('discord', 'alice'), isStaff: false, server: 'discord:guild-1' },
      { tokens: 1_000, costMicros: 2_500, voiceSeconds: 0 },
    );
    if (!held.ok) throw new Error(held.error.message);
    await held.value.settle({ tokens: 1_234, costMicros: 2_468, voiceSeconds: 0 });
    await budgets.chargeVoice({ user: userId('discord', 'alice'), isStaff: false, server: 'discord:guild-1' }, 90);
  });
  afterAll(async () => {
    await stack.close();
  });

  const discord = (isStaff: boolean, isDirect = false) =>
    aCommandContext({
      deps: { budgets, now: () => NOW },
      place: { platform: 'discord', spaceId: 'guild-1', isDirect },
      invoker: { user: userId('discord', 'alice'), isStaff },
    });

  it('shows a user their own use, limits and what is left, and when it resets', async () => {
    const reply = await runCommand(usageCommand, discord(false), {});
    expect(reply).toEqual({
      kind: 'table',
      title: 'Your use today',
      columns: ['', 'Used', 'Limit', 'Left'],
      rows: [
        ['Tokens', '1,234 tokens', '10,000 tokens', '8,766 tokens'],
        ['Spending', 'US$0.0025', 'US$1.00', 'US$1.00'],
        ['Voice', '1 min 30 s', 'no limit', '–'],
      ],
      footer: 'Resets at 00:00 UTC on 2026-11-25 (in 14 h).',
    });
  });

  it('shows staff the server’s use; others are refused, and a DM has no server', async () => {
    expect(await runCommand(usageCommand, discord(true), { scope: 'server' })).toMatchObject({
      kind: 'table',
      title: 'This server’s use this month',
      rows: [['Tokens', '1,234 tokens', '1,000,000 tokens', '998,766 tokens'], expect.anything(), expect.anything()],
      footer: 'Resets at 00:00 UTC on 2026-12-01 (in 6 d 14 h).',
    });
    expect(await runCommand(usageCommand, discord(false), { scope: 'server' })).toMatchObject({
      kind: 'error',
      code: 'auth.staff_only',
    });
    expect(await runCommand(usageCommand, discord(true, true), { scope: 'server' })).toMatchObject({
      kind: 'error',
      code: 'usage.no_server',
    });
  });

  it('says when budgets are off', async () => {
    const reply = await runCommand(usageCommand, aCommandContext({}), {});
    expect(reply).toMatchObject({ kind: 'text', text: expect.stringContaining('Budgets are off') });
  });
});
