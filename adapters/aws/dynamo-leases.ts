import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Leases } from '../../src/ports/shared-state.ts';
import { COORDINATION_KEY, CoordinationItems, conditionally, epochSeconds } from './dynamo-coordination-table.ts';

const leaseItem = z.object({ owner: z.string(), until: z.number() });

/**
 * Leases as conditional writes on one item per key: acquire succeeds when the item is missing, expired or already
 * ours; renew only while it is still ours; release deletes it only if it is ours. An owner that crashes stops
 * renewing, and the next acquire after `until` takes the lease over.
 */
export class DynamoLeases extends CoordinationItems implements Leases {
  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { [COORDINATION_KEY]: leaseKey(key), owner, until: now + ttlMs, expiresAt: epochSeconds(now + ttlMs) },
          ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner OR #until < :now',
          ExpressionAttributeNames: { '#pk': COORDINATION_KEY, '#owner': 'owner', '#until': 'until' },
          ExpressionAttributeValues: { ':owner': owner, ':now': now },
        }),
      ),
    );
  }

  async renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [COORDINATION_KEY]: leaseKey(key) },
          UpdateExpression: 'SET #until = :until, #expiresAt = :expiresAt',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#until': 'until', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': now + ttlMs,
            ':expiresAt': epochSeconds(now + ttlMs),
          },
        }),
      ),
    );
  }

  async release(key: string, owner: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { [COORDINATION_KEY]: leaseKey(key) },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  async holder(key: string): Promise<string | undefined> {
    const found = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { [COORDINATION_KEY]: leaseKey(key) }, ConsistentRead: true }),
    );
    const item = leaseItem.safeParse(found.Item);
    return item.success && item.data.until >= this.now() ? item.data.owner : undefined;
  }
}

const leaseKey = (key: string): string => `lease#${key}`;
