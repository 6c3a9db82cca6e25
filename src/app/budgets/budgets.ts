import { randomUUID } from 'node:crypto';
import type { UserId } from '../../domain/ids.ts';
import { type AppError, appError, err, ok, type Result } from '../../domain/result.ts';
import { type Amounts, type BucketRequest, type BudgetStore, type Dimension, ZERO } from '../../ports/budget-store.ts';
import type { Metrics } from '../../ports/metrics.ts';
import { type BudgetPolicy, ceilings, DIMENSION_WORDS, type Limits, periodAt, userLimits } from './policy.ts';
import { describeAmount, resetsIn } from './present.ts';

/** Who pays for a request: the user (staff get their own limits) and, outside direct messages, the server. */
export interface Payer {
  readonly user: UserId;
  readonly isStaff: boolean;
  /** The user's role ids where the request runs: a role with its own limits in the policy applies (not to staff). */
  readonly roles?: readonly string[];
  /** `discord:<guild>`, `slack:<team>`: absent in a direct message. */
  readonly server?: string;
}

/** A reservation made before a call: settle it with what the call really used, or release it if it never ran. */
export interface Hold {
  settle(actual: Amounts): Promise<void>;
  release(): Promise<void>;
}

export type Scope =
  | { readonly kind: 'user'; readonly user: UserId; readonly isStaff: boolean; readonly roles?: readonly string[] }
  | { readonly kind: 'server'; readonly server: string };

export interface ScopeUsage {
  readonly limits: Limits;
  readonly used: Amounts;
  readonly held: Amounts;
  readonly resetsAt: Date;
}

export interface BudgetsOptions {
  readonly store: BudgetStore;
  readonly policy: BudgetPolicy;
  readonly now: () => Date;
  readonly metrics?: Metrics;
  /** A hold older than this belongs to a call that crashed: it is released when it stands in the way. */
  readonly staleHoldMs?: number;
}

/** Holds outlive the longest answer (ASK_MAX_ANSWER_MS is 10 minutes by default). */
const STALE_HOLD_MS = 15 * 60_000;

/** Budgets per user and per server: checked and held before each model call, settled after; voice charged by the minute. */
export class Budgets {
  readonly #o: BudgetsOptions;

  constructor(options: BudgetsOptions) {
    this.#o = options;
  }

  /** Reserves `amounts` for one call, or says which budget has no room and when it resets. */
  async hold(payer: Payer, amounts: Amounts): Promise<Result<Hold, AppError>> {
    const at = this.#o.now();
    const buckets = this.#buckets(payer, amounts, at);
    const holdId = randomUUID();
    let outcome = await this.#o.store.hold(holdId, buckets, at);
    if (!outcome.ok) {
      // A crashed call's hold may be what fills the bucket: release stale holds and look once more.
      const refusedKey = outcome.key;
      const swept = await this.#o.store.sweep(
        refusedKey,
        new Date(at.getTime() - (this.#o.staleHoldMs ?? STALE_HOLD_MS)),
      );
      if (swept > 0) outcome = await this.#o.store.hold(holdId, buckets, at);
    }
    if (!outcome.ok) {
      const refusal = outcome;
      const bucket = buckets.find((b) => b.key === refusal.key);
      return err(
        await this.#overBudget(payer, bucket?.key.startsWith('server#') ? 'server' : 'user', refusal.dimension),
      );
    }
    const store = this.#o.store;
    let open = true;
    return ok({
      async settle(actual) {
        if (!open) return;
        open = false;
        await store.settle(holdId, buckets, actual);
      },
      async release() {
        if (!open) return;
        open = false;
        await store.release(holdId, buckets);
      },
    });
  }

  /** Whether the payer has voice minutes left (checked at /join). */
  async checkVoice(payer: Payer): Promise<Result<void, AppError>> {
    for (const scope of this.#scopes(payer)) {
      const usage = await this.usage(scope);
      const limit = ceilings(usage.limits).voiceSeconds;
      if (limit !== undefined && usage.used.voiceSeconds + usage.held.voiceSeconds >= limit)
        return err(await this.#overBudget(payer, scope.kind, 'voiceSeconds'));
    }
    return ok(undefined);
  }

  /** Adds spoken seconds; an error when that used the last of a voice budget (the session should end). */
  async chargeVoice(payer: Payer, seconds: number): Promise<Result<void, AppError>> {
    const at = this.#o.now();
    const buckets = this.#buckets(payer, { ...ZERO, voiceSeconds: Math.max(0, Math.round(seconds)) }, at);
    const after = await this.#o.store.charge(buckets, at);
    for (const [i, bucket] of buckets.entries()) {
      const limit = bucket.limits.voiceSeconds;
      const usage = after[i];
      if (limit !== undefined && usage && usage.used.voiceSeconds + usage.held.voiceSeconds >= limit)
        return err(await this.#overBudget(payer, bucket.key.startsWith('server#') ? 'server' : 'user', 'voiceSeconds'));
    }
    return ok(undefined);
  }

  async usage(scope: Scope): Promise<ScopeUsage> {
    const limits = this.#limitsOf(scope);
    const window = periodAt(limits.period, this.#o.now());
    const { used, held } = await this.#o.store.read(bucketKey(scope, window.key));
    return { limits, used, held, resetsAt: window.end };
  }

  /** Reads one bucket: rejects when the store does not answer (readiness). */
  async probe(): Promise<void> {
    await this.#o.store.read('probe#readiness');
  }

  #scopes(payer: Payer): Scope[] {
    return [
      { kind: 'user', user: payer.user, isStaff: payer.isStaff, ...(payer.roles ? { roles: payer.roles } : {}) },
      ...(payer.server === undefined ? [] : [{ kind: 'server' as const, server: payer.server }]),
    ];
  }

  #limitsOf(scope: Scope): Limits {
    if (scope.kind === 'server') return this.#o.policy.server;
    return userLimits(this.#o.policy, scope.isStaff, scope.roles ?? []);
  }

  #buckets(payer: Payer, amounts: Amounts, at: Date): BucketRequest[] {
    return this.#scopes(payer).map((scope) => {
      const limits = this.#limitsOf(scope);
      const window = periodAt(limits.period, at);
      return { key: bucketKey(scope, window.key), amounts, limits: ceilings(limits), periodEnd: window.end };
    });
  }

  async #overBudget(payer: Payer, kind: Scope['kind'], dimension: Dimension): Promise<AppError> {
    this.#o.metrics?.budgetRefused(
      kind,
      dimension === 'costMicros' ? 'cost' : dimension === 'voiceSeconds' ? 'voice' : 'tokens',
    );
    const scope = this.#scopes(payer).find((s) => s.kind === kind) ?? this.#scopes(payer)[0];
    const usage = scope ? await this.usage(scope) : undefined;
    const limit = usage ? ceilings(usage.limits)[dimension] : undefined;
    const period = usage?.limits.period === 'month' ? 'monthly' : 'daily';
    const whose = kind === 'server' ? 'This server has' : 'You have';
    const amount =
      usage && limit !== undefined
        ? ` (${describeAmount(dimension, usage.used[dimension])} of ${describeAmount(dimension, limit)})`
        : '';
    const when = usage ? resetsIn(usage.resetsAt, this.#o.now()) : 'at the start of the next period';
    return appError(
      'budget.exceeded',
      `${whose} used up ${kind === 'server' ? 'its' : 'your'} ${period} ${DIMENSION_WORDS[dimension]} budget${amount}. It resets ${when}.`,
      kind === 'server'
        ? 'Staff can see the server’s use with `/usage scope:server`; the limits are in the budgets file.'
        : 'See your use with `/usage`. Staff can raise the limits in the budgets file.',
    );
  }
}

export function bucketKey(scope: Scope, periodKey: string): string {
  return scope.kind === 'server' ? `server#${scope.server}#${periodKey}` : `user#${scope.user}#${periodKey}`;
}
