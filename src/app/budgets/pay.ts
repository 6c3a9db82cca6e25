import type { CommandContext } from '../../chat/context.ts';
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
    ...(invoker.roles?.length ? { roles: invoker.roles } : {}),
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
  const payer = payerOf(ctx);
  const original = ctx.deps;
  const deps: AppDeps = { ...original };
  // Built on first use: most commands touch neither group (and test contexts may not configure them).
  let askModel: BudgetedTextModel | undefined;
  const askTextModel = () => {
    askModel ??= new BudgetedTextModel(original.ask.textModel, budgets, payer, original.ask.catalog);
    return askModel;
  };
  lazily(deps, 'ask', () => ({ ...original.ask, textModel: askTextModel() }));
  lazily(deps, 'bench', () => ({
    ...original.bench,
    textModel:
      original.bench.textModel === original.ask.textModel
        ? askTextModel()
        : new BudgetedTextModel(original.bench.textModel, budgets, payer, original.bench.catalog),
  }));
  return { ...ctx, deps };
}

function lazily<K extends 'ask' | 'bench'>(deps: AppDeps, key: K, build: () => AppDeps[K]): void {
  let built: AppDeps[K] | undefined;
  Object.defineProperty(deps, key, {
    enumerable: true,
    get: () => {
      built ??= build();
      return built;
    },
  });
}
