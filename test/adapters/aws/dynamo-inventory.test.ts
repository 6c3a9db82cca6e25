import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoInventory } from '../../../adapters/aws/dynamo-inventory.ts';
import type { OrderId } from '../../../src/domain/ids.ts';

const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const mock = mockClient(doc);
const order = 'ord_aaaaaaaaaaaaaaaa' as OrderId;
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoInventory (TransactWriteItems requests)', () => {
  const inventory = new DynamoInventory(doc, 'catalog');
  beforeEach(() => mock.reset());

  it('reserves with one transaction: the order’s reservation item (only if new) and the product (only if enough stock)', async () => {
    mock.on(TransactWriteCommand).resolves({});
    expect(await inventory.reserve('margherita', order, 2)).toBe('reserved');
    const [call] = mock.commandCalls(TransactWriteCommand);
    const items = call?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put).toMatchObject({
      TableName: 'catalog',
      Item: { productId: `rsv#${order}`, orderId: order, product: 'margherita', quantity: 2, state: 'held' },
      ConditionExpression: 'attribute_not_exists(productId)',
    });
    expect(items[1]?.Update).toMatchObject({
      Key: { productId: 'margherita' },
      UpdateExpression: 'SET stock = stock - :q',
      ConditionExpression: 'attribute_exists(productId) AND stock >= :q',
      ExpressionAttributeValues: { ':q': 2 },
    });
  });

  it('answers insufficient when the product’s condition cancels the transaction', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed']));
    expect(await inventory.reserve('margherita', order, 2)).toBe('insufficient');
  });

  it('a replayed reserve finds its item; a late reserve after a release finds the tombstone and takes nothing', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None']));
    mock
      .on(GetCommand)
      .resolvesOnce({
        Item: { productId: `rsv#${order}`, orderId: order, product: 'margherita', quantity: 2, state: 'held' },
      })
      .resolvesOnce({
        Item: { productId: `rsv#${order}`, orderId: order, product: 'margherita', quantity: 0, state: 'released' },
      });
    expect(await inventory.reserve('margherita', order, 2)).toBe('reserved');
    expect(await inventory.reserve('margherita', order, 2)).toBe('released');
  });

  it('releases a held reservation and its units in one transaction; with none, writes the tombstone', async () => {
    mock.on(GetCommand).resolvesOnce({
      Item: { productId: `rsv#${order}`, orderId: order, product: 'margherita', quantity: 2, state: 'held' },
    });
    mock.on(TransactWriteCommand).resolves({});
    await inventory.release('margherita', order);
    const items = mock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update?.ConditionExpression).toBe('#st = :held');
    expect(items[1]?.Update).toMatchObject({
      Key: { productId: 'margherita' },
      ExpressionAttributeValues: { ':q': 2 },
    });

    mock.reset();
    mock.on(GetCommand).resolves({});
    mock.on(PutCommand).resolves({});
    await inventory.release('margherita', order);
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ state: 'released', quantity: 0 });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
