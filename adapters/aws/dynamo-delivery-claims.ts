import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryClaims } from '../../src/ports/shared-state.ts';
import { COORDINATION_KEY, CoordinationItems, conditionally, epochSeconds } from './dynamo-coordination-table.ts';

/**
 * Claims as conditional puts: the first put of a key wins; a later one fails its condition while the claim is
 * live. Two replicas racing on the same Slack retry both send the put, and DynamoDB lets exactly one through.
 */
export class DynamoDeliveryClaims extends CoordinationItems implements DeliveryClaims {
  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { [COORDINATION_KEY]: `claim#${key}`, until: now + ttlMs, expiresAt: epochSeconds(now + ttlMs) },
          ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now',
          ExpressionAttributeNames: { '#pk': COORDINATION_KEY, '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }
}
