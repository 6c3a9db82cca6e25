/**
 * State that several bot processes (replicas behind a load balancer, Discord shard clusters) must agree on. In one
 * process an in-memory implementation is enough; with several, every one of them points at the same store
 * (DynamoDB in the cloud, the embedded dynalite locally) and the conditional writes below decide.
 */

/** "Has anyone handled this delivery yet?": Slack retries, redelivered queue messages. */
export interface DeliveryClaims {
  /**
   * Claims `key` for `ttlMs`: true for the first caller (it handles the delivery), false for every later one
   * until the claim expires (a duplicate: acknowledge it and do nothing).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** Exclusive ownership with expiry: a crashed owner stops renewing and its lease lapses. */
export interface Leases {
  /**
   * Takes `key` for `owner` until `ttlMs` from now: true when it was free, expired, or already `owner`'s;
   * false while another owner's lease is live.
   */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s lease; false when it is no longer theirs (another owner took it after it expired). */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` still holds it; otherwise does nothing. */
  release(key: string, owner: string): Promise<void>;
  /** The live owner of `key`, if any (for messages such as "another process holds it"). */
  holder(key: string): Promise<string | undefined>;
}

/** A token bucket's shape: `perMinute` tokens added per minute, at most `burst` saved up. */
export interface BucketRate {
  readonly perMinute: number;
  readonly burst: number;
}

/** Token buckets shared by every process (Slack's chat.update budget is per workspace, not per process). */
export interface SharedBuckets {
  /** Takes one token from `key` when one is there: false (nothing taken) when the bucket is empty. */
  take(key: string, rate: BucketRate): Promise<boolean>;
  /** Counts a use that went out without asking (a final render): the bucket may go below zero. */
  spend(key: string, rate: BucketRate): Promise<void>;
  /** The platform said 429: no token for anyone before `ms` from now. */
  holdOff(key: string, rate: BucketRate, ms: number): Promise<void>;
}
