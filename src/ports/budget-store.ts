/**
 * Usage counters per bucket (one user or one server, for one period), with holds: an estimate reserved before a
 * model call and settled with what it really cost. Amounts are integers (tokens, micro-USD, voice seconds) so
 * sums never drift. The DynamoDB adapter serves both the cloud table and the embedded store (dynalite) locally.
 *
 * `committed` is used + held. A hold is admitted only while `committed` is below the ceiling in every dimension it
 * asks for, checked and written in one conditional update per bucket: concurrent callers (on any replica) never
 * pass a limit by more than the one call admitted last.
 */
export interface Amounts {
  readonly tokens: number;
  readonly costMicros: number;
  readonly voiceSeconds: number;
}

export type Dimension = keyof Amounts;

export const ZERO: Amounts = { tokens: 0, costMicros: 0, voiceSeconds: 0 };

export interface BucketRequest {
  /** e.g. `user#discord:123#day#2026-12-04`. */
  readonly key: string;
  readonly amounts: Amounts;
  /** Ceilings per dimension; absent: no limit there. */
  readonly limits: Partial<Amounts>;
  /** When the bucket's period ends (the item may be expired some time after). */
  readonly periodEnd: Date;
}

export interface BucketUsage {
  readonly used: Amounts;
  /** Held by calls still running. */
  readonly held: Amounts;
}

export type HoldOutcome =
  | { readonly ok: true }
  /** The first bucket and dimension that had no room; nothing is held. */
  | { readonly ok: false; readonly key: string; readonly dimension: Dimension };

export interface BudgetStore {
  /** Holds `amounts` in every bucket, or in none. Idempotent per `holdId`. */
  hold(holdId: string, buckets: readonly BucketRequest[], at: Date): Promise<HoldOutcome>;
  /** Replaces the hold with what was really used (more or less than held); a settled hold is not counted twice. */
  settle(holdId: string, buckets: readonly BucketRequest[], actual: Amounts): Promise<void>;
  /** Drops the hold (the call never ran). */
  release(holdId: string, buckets: readonly BucketRequest[]): Promise<void>;
  /** Adds used amounts with no check (voice minutes already spoken); returns each bucket's usage after. */
  charge(buckets: readonly BucketRequest[], at: Date): Promise<readonly BucketUsage[]>;
  read(key: string): Promise<BucketUsage>;
  /** Releases holds older than `olderThan` (their caller crashed); returns how many. */
  sweep(key: string, olderThan: Date): Promise<number>;
}
