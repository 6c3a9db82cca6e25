import type { CommandContext } from '../../chat/context.ts';
import type { BenchDeps } from '../bench/deps.ts';
import type { AppDeps } from '../deps.ts';
import { BudgetedTextModel } from './budgeted-text-model.ts';
import type { Payer } from './budgets.ts';

/** Who pays for what runs here: the invoker, and the server unless it is a direct message or the playground. */
export function payerOf(ctx: Pick<CommandContext, 'invoker' | 'place'>): Payer {
  const { place, invoker } = ctx;
  const shared = !place.isDirect && place.platform !== 'web';
  return {
    user: invoker.user,
    isStaff: invoker.isStaff,
    ...(shared ? { server: `${place.platform}:${place.spaceId}` } : {}),
  };
}

/**
 * The context a command runs with when budgets are on: every model call it makes (/ask, compare, follow-ups, the
 * order assistant, /bench run) goes through the invoker's budgets. Without budgets, the context as it was.
 */
export function paidBy(ctx: CommandContext): CommandContext {
  const budgets = ctx.deps.budgets;
  if (!budgets) return ctx;
  const { ask } = ctx.deps;
  const payer = payerOf(ctx);
  const textModel = new BudgetedTextModel(ask.textModel, budgets, payer, ask.catalog);
  const deps: AppDeps = { ...ctx.deps, ask: { ...ask, textModel } };
  // /bench's group is built on first use: most commands never touch it (and test contexts may not configure it).
  let bench: BenchDeps | undefined;
  Object.defineProperty(deps, 'bench', {
    enumerable: true,
    get() {
      const original = ctx.deps.bench;
      bench ??= {
        ...original,
        textModel:
          original.textModel === ask.textModel
            ? textModel
            : new BudgetedTextModel(original.textModel, budgets, payer, original.catalog),
      };
      return bench;
    },
  });
  return { ...ctx, deps };
}
