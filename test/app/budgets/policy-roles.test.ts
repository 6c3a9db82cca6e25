import { describe, expect, it } from 'vitest';
import { roleIdsOf } from '../../../adapters/discord/context.ts';
import { payerOf } from '../../../src/app/budgets/pay.ts';
import { parseBudgetPolicy, userLimits } from '../../../src/app/budgets/policy.ts';
import { userId } from '../../../src/domain/ids.ts';

const VIP = '111111111111111111';
const CREW = '222222222222222222';
const file = {
  user: {
    default: { period: 'day', tokens: 1000 },
    staff: { period: 'day', tokens: 50_000 },
    roles: { [VIP]: { period: 'month', tokens: 20_000, costUsd: 5 }, [CREW]: { period: 'day', tokens: 3000 } },
  },
  server: { period: 'month', costUsd: 100 },
};

describe('budgets per role', () => {
  const policy = parseBudgetPolicy(file, 'budgets.json');

  it('gives a member the limits of the first listed role they have, staff their own, everyone else the default', () => {
    expect(userLimits(policy, false, [CREW, VIP])).toEqual({ period: 'month', tokens: 20_000, costUsd: 5 });
    expect(userLimits(policy, false, ['999999999999', CREW])).toEqual({ period: 'day', tokens: 3000 });
    expect(userLimits(policy, true, [VIP])).toEqual({ period: 'day', tokens: 50_000 });
    expect(userLimits(policy, false, [])).toEqual({ period: 'day', tokens: 1000 });
  });

  it('refuses a role that is not an id, naming the field', () => {
    const bad = { ...file, user: { ...file.user, roles: { VIP: { period: 'day' } } } };
    expect(() => parseBudgetPolicy(bad, 'budgets.json')).toThrow(/user\.roles\.VIP: not a role id/);
  });

  it("carries the invoker's role ids to the payer, from raw API members and cached ones", () => {
    expect(roleIdsOf({ roles: [VIP, CREW] })).toEqual([VIP, CREW]);
    const cached = {
      roles: {
        cache: { some: (fn: (r: { id: string; name: string }) => boolean) => [{ id: VIP, name: 'VIP' }].some(fn) },
      },
    };
    expect(roleIdsOf(cached)).toEqual([VIP]);
    expect(roleIdsOf(null)).toEqual([]);
    const payer = payerOf({
      invoker: { user: userId('discord', '42'), displayName: 'Ana', isStaff: false, roles: [VIP] },
      place: { platform: 'discord', spaceId: '7', channelId: 'c', isDirect: false },
    });
    expect(payer).toEqual({ user: userId('discord', '42'), isStaff: false, roles: [VIP], server: 'discord:7' });
  });
});
