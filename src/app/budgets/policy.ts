import { z } from 'zod';
import type { Amounts, Dimension } from '../../ports/budget-store.ts';

export type Period = 'day' | 'month';

/** Ceilings for one scope over one period; an absent ceiling is no limit. */
export interface Limits {
  readonly period: Period;
  readonly tokens?: number;
  readonly costUsd?: number;
  readonly voiceMinutes?: number;
}

/**
 * Per user (a default, a staff override and overrides by role id) and per server (a Discord guild, a Slack
 * workspace).
 */
export interface BudgetPolicy {
  readonly user: {
    readonly default: Limits;
    readonly staff: Limits;
    /** Role id -> limits, in the file's order: a member with several listed roles gets the first listed. */
    readonly roles?: ReadonlyMap<string, Limits>;
  };
  readonly server: Limits;
}

/** Staff get the staff limits; otherwise the first role of the policy the user has; otherwise the default. */
export function userLimits(policy: BudgetPolicy, isStaff: boolean, roles: readonly string[]): Limits {
  if (isStaff) return policy.user.staff;
  for (const [role, limits] of policy.user.roles ?? []) if (roles.includes(role)) return limits;
  return policy.user.default;
}

const limitsSchema = z
  .object({
    period: z.enum(['day', 'month']),
    tokens: z.number().int().min(0).optional(),
    costUsd: z.number().min(0).optional(),
    voiceMinutes: z.number().min(0).optional(),
  })
  .strict();

const policySchema = z
  .object({
    user: z
      .object({
        default: limitsSchema,
        staff: limitsSchema.optional(),
        roles: z.record(z.string().regex(/^\d{5,25}$/, 'a role id (digits)'), limitsSchema).optional(),
      })
      .strict(),
    server: limitsSchema.optional(),
  })
  .strict();

/** Reads the budgets file's JSON; a mistake names the field and the file. */
export function parseBudgetPolicy(raw: unknown, file: string): BudgetPolicy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) =>
        `  ${i.path.join('.') || '(top)'}: ${i.code === 'invalid_key' ? 'not a role id (digits only)' : i.message}`,
    );
    throw new Error(`Invalid budgets file ${file}:\n${lines.join('\n')}`);
  }
  const { user, server } = parsed.data;
  return {
    user: {
      default: clean(user.default),
      staff: clean(user.staff ?? user.default),
      roles: new Map(Object.entries(user.roles ?? {}).map(([role, limits]) => [role, clean(limits)])),
    },
    server: clean(server ?? { period: 'month' }),
  };
}

function clean(limits: z.infer<typeof limitsSchema>): Limits {
  return {
    period: limits.period,
    ...(limits.tokens === undefined ? {} : { tokens: limits.tokens }),
    ...(limits.costUsd === undefined ? {} : { costUsd: limits.costUsd }),
    ...(limits.voiceMinutes === undefined ? {} : { voiceMinutes: limits.voiceMinutes }),
  };
}

/** Limits as the store counts them (integers: tokens, micro-USD, voice seconds). */
export function ceilings(limits: Limits): Partial<Amounts> {
  return {
    ...(limits.tokens === undefined ? {} : { tokens: limits.tokens }),
    ...(limits.costUsd === undefined ? {} : { costMicros: Math.round(limits.costUsd * 1e6) }),
    ...(limits.voiceMinutes === undefined ? {} : { voiceSeconds: Math.round(limits.voiceMinutes * 60) }),
  };
}

export interface PeriodWindow {
  /** `2026-12-04` or `2026-12`. */
  readonly key: string;
  readonly start: Date;
  /** The next period's start: when the budget resets. */
  readonly end: Date;
}

/** Periods are UTC calendar days and months, the same for every replica and time zone. */
export function periodAt(period: Period, at: Date): PeriodWindow {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (period === 'month') {
    return {
      key: at.toISOString().slice(0, 7),
      start: new Date(Date.UTC(y, m, 1)),
      end: new Date(Date.UTC(y, m + 1, 1)),
    };
  }
  const d = at.getUTCDate();
  return {
    key: at.toISOString().slice(0, 10),
    start: new Date(Date.UTC(y, m, d)),
    end: new Date(Date.UTC(y, m, d + 1)),
  };
}

export const DIMENSION_WORDS: Readonly<Record<Dimension, string>> = {
  tokens: 'token',
  costMicros: 'spending',
  voiceSeconds: 'voice-minute',
};
