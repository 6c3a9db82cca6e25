import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { untilActive } from '../../../adapters/aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';

const table = {
  TableName: 'things',
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

/** Creates the table again once dynalite has finished deleting the old one (DELETING for a moment). */
async function recreate(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await client.send(new CreateTableCommand(definition));
      break;
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException' || i > 500) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  await untilActive(client, 'things');
}

/** The in-memory table descriptions (dynalite-table-cache.ts) never answer with a table that changed or is gone. */
describe.each([false, true])('embedded dynalite table cache (thread: %s)', (thread) => {
  let dynamo: EmbeddedDynamo | undefined;
  afterEach(async () => {
    await dynamo?.close();
    dynamo = undefined;
  });

  const start = async () => {
    dynamo = await startEmbeddedDynamo({ thread });
    const clients = makeDynamo({
      region: 'local',
      endpoint: dynamo.endpoint,
      unsignedLoopback: true,
      ...(dynamo.requestHandler ? { requestHandler: dynamo.requestHandler } : {}),
    });
    await clients.client.send(new CreateTableCommand(table));
    await untilActive(clients.client, 'things');
    return clients;
  };

  it('a deleted table is gone at once, and its successor starts empty', async () => {
    const { client, doc } = await start();
    await doc.send(new PutCommand({ TableName: 'things', Item: { id: 'a' } }));
    expect((await doc.send(new GetCommand({ TableName: 'things', Key: { id: 'a' } }))).Item).toEqual({ id: 'a' });
    await client.send(new DeleteTableCommand({ TableName: 'things' }));
    // dynalite keeps a deleted table in DELETING for a moment, then removes it: either way it is not found.
    await expect(doc.send(new GetCommand({ TableName: 'things', Key: { id: 'a' } }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await recreate(client, table);
    expect((await doc.send(new GetCommand({ TableName: 'things', Key: { id: 'a' } }))).Item).toBeUndefined();
    client.destroy();
  });

  it('a table recreated with another key is used with its new key at once (no stale description)', async () => {
    const { client, doc } = await start();
    await doc.send(new PutCommand({ TableName: 'things', Item: { id: 'a' } }));
    await client.send(new DeleteTableCommand({ TableName: 'things' }));
    await recreate(client, {
      ...table,
      KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
    });
    await doc.send(new PutCommand({ TableName: 'things', Item: { name: 'b' } }));
    expect((await doc.send(new GetCommand({ TableName: 'things', Key: { name: 'b' } }))).Item).toEqual({ name: 'b' });
    await expect(doc.send(new PutCommand({ TableName: 'things', Item: { id: 'c' } }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    client.destroy();
  });
});
