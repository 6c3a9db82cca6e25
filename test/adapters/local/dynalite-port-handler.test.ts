import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { untilActive } from '../../../adapters/aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';

/** The embedded dynalite thread reached by message (no socket): the same answers and errors as over HTTP. */
describe('DynalitePortHandler', () => {
  let dynamo: EmbeddedDynamo | undefined;
  afterEach(async () => {
    await dynamo?.close();
    dynamo = undefined;
  });

  const start = async () => {
    dynamo = await startEmbeddedDynamo({ thread: true });
    expect(dynamo.requestHandler).toBeDefined();
    const viaPort = makeDynamo({
      region: 'local',
      endpoint: dynamo.endpoint,
      unsignedLoopback: true,
      ...(dynamo.requestHandler ? { requestHandler: dynamo.requestHandler } : {}),
    });
    const viaHttp = makeDynamo({ region: 'local', endpoint: dynamo.endpoint, unsignedLoopback: true });
    await viaPort.client.send(
      new CreateTableCommand({
        TableName: 'things',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await untilActive(viaPort.client, 'things');
    return { viaPort, viaHttp };
  };

  it('writes and reads the same table the socket serves', async () => {
    const { viaPort, viaHttp } = await start();
    await viaPort.doc.send(new PutCommand({ TableName: 'things', Item: { id: 'a', n: 1, tags: new Set(['x']) } }));
    const overHttp = await viaHttp.doc.send(new GetCommand({ TableName: 'things', Key: { id: 'a' } }));
    expect(overHttp.Item).toEqual({ id: 'a', n: 1, tags: new Set(['x']) });
    await viaHttp.doc.send(new PutCommand({ TableName: 'things', Item: { id: 'b', n: 2 } }));
    expect((await viaPort.doc.send(new GetCommand({ TableName: 'things', Key: { id: 'b' } }))).Item).toEqual({
      id: 'b',
      n: 2,
    });
    viaHttp.client.destroy();
  });

  it('passes dynalite errors through as the SDK names them', async () => {
    const { viaPort, viaHttp } = await start();
    await viaPort.doc.send(new PutCommand({ TableName: 'things', Item: { id: 'a' } }));
    const conditional = viaPort.doc.send(
      new PutCommand({ TableName: 'things', Item: { id: 'a' }, ConditionExpression: 'attribute_not_exists(id)' }),
    );
    await expect(conditional).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const missing = viaPort.doc.send(new GetCommand({ TableName: 'nope', Key: { id: 'a' } }));
    await expect(missing).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const invalid = viaPort.doc.send(new PutCommand({ TableName: 'things', Item: { other: 'no key' } }));
    await expect(invalid).rejects.toMatchObject({ name: 'ValidationException' });
    viaHttp.client.destroy();
  });

  it('fails requests made after the thread closed instead of waiting for ever', async () => {
    const { viaPort, viaHttp } = await start();
    viaHttp.client.destroy();
    await dynamo?.close();
    dynamo = undefined;
    const late = viaPort.doc.send(new GetCommand({ TableName: 'things', Key: { id: 'a' } }));
    await expect(late).rejects.toThrow(/dynalite thread ended/);
  });
});
