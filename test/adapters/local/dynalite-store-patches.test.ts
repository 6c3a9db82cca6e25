import { createRequire } from 'node:module';
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
import { patchDynaliteStore } from '../../../adapters/local/dynalite-store-patches.ts';
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

/** The in-memory table descriptions (dynalite-store-patches.ts) never answer with a table that changed or is gone. */
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

interface Iterator {
  next(): Promise<unknown>;
}
interface StoreDb {
  put(key: string, value: unknown): Promise<void>;
  values(options: unknown): Iterator;
  createValueStream(options: unknown): AsyncIterable<unknown>;
  createKeyStream(options: unknown): AsyncIterable<unknown>;
}

/** Scan and Query read ranges through these streams: each must close its LevelDB iterator (it pins a version). */
describe('dynalite range streams', () => {
  it('close their iterator when read to the end, and when abandoned', async () => {
    patchDynaliteStore();
    const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as { create(o: unknown): { db: StoreDb } };
    const { db } = dynaliteDb.create({});
    for (const key of ['a', 'b', 'c']) await db.put(key, { key });
    const iterators: Iterator[] = [];
    const values = db.values.bind(db);
    db.values = (options) => {
      const iterator = values(options);
      iterators.push(iterator);
      return iterator;
    };
    const read: unknown[] = [];
    for await (const value of db.createValueStream({})) read.push(value);
    expect(read).toHaveLength(3);
    for await (const _ of db.createValueStream({})) break;
    await new Promise((r) => setImmediate(r));
    expect(iterators).toHaveLength(2);
    for (const iterator of iterators) {
      await expect(iterator.next()).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' });
    }
  });
});
