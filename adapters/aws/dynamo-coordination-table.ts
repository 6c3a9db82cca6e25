import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './dynamo-client.ts';
import { untilActive } from './dynamo-tables.ts';

/**
 * One table holds what replicas coordinate on: Slack delivery claims (`slack#…`), voice leases (`voice-lease#…`)
 * and shared token buckets (`bucket#…`). Partition key `pk`; `expiresAt` (epoch seconds) is the TTL attribute, so
 * DynamoDB sweeps old claims and leases. TTL deletion is lazy (hours), so every condition also compares a
 * millisecond deadline stored in the item itself.
 */
export const COORDINATION_KEY = 'pk';
export const COORDINATION_TTL_ATTRIBUTE = 'expiresAt';

export interface CoordinationOptions {
  readonly tableName: string;
  /** Milliseconds since the epoch (tests: a manual clock). Replicas' clocks must agree to well under a lease. */
  readonly now?: () => number;
}

/** What every adapter on the coordination table holds: the document client, the table name and the clock. */
export abstract class CoordinationItems {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;
  protected readonly now: () => number;

  constructor(doc: DynamoDBDocumentClient, options: CoordinationOptions) {
    this.doc = doc;
    this.table = options.tableName;
    this.now = options.now ?? Date.now;
  }
}

export const epochSeconds = (ms: number): number => Math.ceil(ms / 1000);

/** True when the write went through; false when its condition failed (someone else holds the key). */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Creates the table when missing (embedded mode and tests; in the cloud infra/bot-stack.ts owns it). */
export async function ensureCoordinationTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: COORDINATION_KEY, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: COORDINATION_KEY, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await untilActive(client, tableName);
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: COORDINATION_TTL_ATTRIBUTE, Enabled: true },
      }),
    )
    // dynalite does not implement TTL, and a table that already has it refuses a second enable: both harmless.
    .catch(() => undefined);
}
