import type { ScopeUsage } from '../src/app/budgets/budgets.ts';
import { payerOf } from '../src/app/budgets/pay.ts';
import { ceilings } from '../src/app/budgets/policy.ts';
import { describeAmount, resetsIn } from '../src/app/budgets/present.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, type Reply, text } from '../src/chat/reply.ts';
import type { Dimension } from '../src/ports/budget-store.ts';

const ROWS: readonly { readonly label: string; readonly dimension: Dimension }[] = [
  { label: 'Tokens', dimension: 'tokens' },
  { label: 'Spending', dimension: 'costMicros' },
  { label: 'Voice', dimension: 'voiceSeconds' },
];

/** /usage: your own use of models and voice against your limits; staff can see the whole server's. */
export const usageCommand = defineCommand({
  name: 'usage',
  description: 'Your model and voice use this period, your limits, and when they reset',
  visibility: 'ephemeral',
  options: {
    scope: {
      type: 'string',
      description: 'Whose use (default: yours; server: this server’s, staff only)',
      required: false,
      choices: [
        { name: 'mine', value: 'me' },
        { name: 'this server (staff)', value: 'server' },
      ],
    },
  },
  async run(ctx, values) {
    const budgets = ctx.deps.budgets;
    if (!budgets) return text('Budgets are off on this bot (`BUDGETS=off`): nothing is limited or counted.');
    if (values.scope !== 'server') {
      const usage = await budgets.usage({ kind: 'user', user: ctx.invoker.user, isStaff: ctx.invoker.isStaff });
      return usageReply(
        `Your use ${periodWord(usage)}${ctx.invoker.isStaff ? ' (staff limits)' : ''}`,
        usage,
        ctx.deps.now(),
      );
    }
    if (!ctx.invoker.isStaff) {
      return errorReply({
        code: 'auth.staff_only',
        message: 'Only staff can see the server’s use.',
        hint: 'Run `/usage` to see your own.',
      });
    }
    const server = payerOf(ctx).server;
    if (server === undefined) {
      return errorReply({
        code: 'usage.no_server',
        message: 'There is no server here: this is a direct message or the playground.',
        hint: 'Run `/usage scope:server` in a channel of the server.',
      });
    }
    const usage = await budgets.usage({ kind: 'server', server });
    return usageReply(`This server’s use ${periodWord(usage)}`, usage, ctx.deps.now());
  },
});

const periodWord = (usage: ScopeUsage): string => (usage.limits.period === 'month' ? 'this month' : 'today');

function usageReply(title: string, usage: ScopeUsage, now: Date): Reply {
  const limits = ceilings(usage.limits);
  const rows = ROWS.map(({ label, dimension }) => {
    const used = usage.used[dimension];
    const limit = limits[dimension];
    const held = usage.held[dimension];
    return [
      label,
      describeAmount(dimension, used) + (held > 0 ? ` (+${describeAmount(dimension, held)} running)` : ''),
      limit === undefined ? 'no limit' : describeAmount(dimension, limit),
      limit === undefined ? '–' : describeAmount(dimension, Math.max(0, limit - used - held)),
    ];
  });
  return {
    kind: 'table',
    title,
    columns: ['', 'Used', 'Limit', 'Left'],
    rows,
    footer: `Resets ${resetsIn(usage.resetsAt, now)}.`,
  };
}
