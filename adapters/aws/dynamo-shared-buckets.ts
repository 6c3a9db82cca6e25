import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type BucketState, fullBucket, holdOff, spendOne, takeOne } from '../../src/domain/shared/token-bucket.ts';
import type { BucketRate, SharedBuckets } from '../../src/ports/shared-state.ts';
import { COORDINATION_KEY, CoordinationItems, conditionally, epochSeconds } from './dynamo-coordination-table.ts';

const bucketItem = z.object({ tokens: z.number(), updatedAt: z.number(), version: z.number().int() });

/** Attempts per operation when other replicas keep winning the race; then a take gives up (the edit is dropped). */
const ATTEMPTS = 6;

/**
 * Token buckets in one item each, updated by read-modify-write with a version condition (optimistic concurrency):
 * two replicas that read the same state both try to write version n+1, and only one write passes. The loser
 * reads again. A bucket left alone refills by arithmetic, so there is no timer and no writer per bucket.
 */
export class DynamoSharedBuckets extends CoordinationItems implements SharedBuckets {
  take(key: string, rate: BucketRate): Promise<boolean> {
    return this.#update(key, rate, (state, now) => takeOne(state, rate, now));
  }

  async spend(key: string, rate: BucketRate): Promise<void> {
    await this.#update(key, rate, (state, now) => spendOne(state, rate, now));
  }

  async holdOff(key: string, rate: BucketRate, ms: number): Promise<void> {
    await this.#update(key, rate, (state, now) => holdOff(state, rate, now, ms));
  }

  /** Applies `change` atomically; false when it declined (no token) or every attempt lost the race. */
  async #update(
    key: string,
    rate: BucketRate,
    change: (state: BucketState, now: number) => BucketState | undefined,
  ): Promise<boolean> {
    const pk = `bucket#${key}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const found = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { [COORDINATION_KEY]: pk }, ConsistentRead: true }),
      );
      const now = this.now();
      const stored = bucketItem.safeParse(found.Item);
      const version = stored.success ? stored.data.version : undefined;
      const next = change(stored.success ? stored.data : fullBucket(rate, now), now);
      if (!next) return false;
      // A full bucket is as good as none: the item may expire once it would have refilled anyway.
      const idleMs = ((rate.burst - next.tokens) * 60_000) / rate.perMinute;
      const written = await conditionally(
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              [COORDINATION_KEY]: pk,
              tokens: next.tokens,
              updatedAt: next.updatedAt,
              version: (version ?? 0) + 1,
              expiresAt: epochSeconds(next.updatedAt + idleMs + 60_000),
            },
            ...(version === undefined
              ? {
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': COORDINATION_KEY },
                }
              : {
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': version },
                }),
          }),
        ),
      );
      if (written) return true;
    }
    return false;
  }
}
