import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import type { OrderTables } from './dynamo-client.ts';

/** The GSI that lists a user's orders, newest first. */
export const BY_USER_INDEX = 'byUser';
/** The sparse index of orders with a status notice not yet published (the outbox sweep scans only these). */
export const BY_OUTBOX_INDEX = 'byOutbox';

/**
 * Creates the order tables when missing (embedded mode and tests; in the cloud the CDK stack owns them).
 * Same keys and index as infra/.
 */
export async function ensureOrderTables(client: DynamoDBClient, tables: OrderTables): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const wanted = [
    {
      TableName: tables.orders,
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' as const }],
      AttributeDefinitions: [
        { AttributeName: 'orderId', AttributeType: 'S' as const },
        { AttributeName: 'userId', AttributeType: 'S' as const },
        { AttributeName: 'createdAt', AttributeType: 'S' as const },
        { AttributeName: 'outboxAt', AttributeType: 'S' as const },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_USER_INDEX,
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' as const },
            { AttributeName: 'createdAt', KeyType: 'RANGE' as const },
          ],
          Projection: { ProjectionType: 'ALL' as const },
        },
        {
          IndexName: BY_OUTBOX_INDEX,
          KeySchema: [{ AttributeName: 'outboxAt', KeyType: 'HASH' as const }],
          Projection: { ProjectionType: 'ALL' as const },
        },
      ],
    },
    {
      TableName: tables.catalog,
      KeySchema: [{ AttributeName: 'productId', KeyType: 'HASH' as const }],
      AttributeDefinitions: [{ AttributeName: 'productId', AttributeType: 'S' as const }],
    },
    {
      TableName: tables.payments,
      KeySchema: [{ AttributeName: 'idempotencyKey', KeyType: 'HASH' as const }],
      AttributeDefinitions: [{ AttributeName: 'idempotencyKey', AttributeType: 'S' as const }],
    },
  ];
  for (const table of wanted) {
    if (existing.has(table.TableName)) continue;
    await client.send(new CreateTableCommand({ ...table, BillingMode: 'PAY_PER_REQUEST' }));
  }
  for (const table of wanted) await untilActive(client, table.TableName);
}

/**
 * A new table is CREATING for a moment (even in dynalite with no delay, its ACTIVE status is written
 * asynchronously): writes before then fail with ResourceNotFoundException, so wait for ACTIVE.
 */
export async function untilActive(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`DynamoDB table ${tableName} is still ${Table?.TableStatus}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
