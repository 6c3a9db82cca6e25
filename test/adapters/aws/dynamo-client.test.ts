import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureOrderTables } from '../../../adapters/aws/dynamo-tables.ts';
import { startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';

delete process.env.AWS_BEARER_TOKEN_BEDROCK;
const TABLES = { orders: 'orders', catalog: 'catalog', payments: 'payments' };
const dir = mkdtempSync(join(tmpdir(), 'dynamo-client-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDynamo with unsignedLoopback', () => {
  it('refuses an endpoint that is not on loopback (or no endpoint: real DynamoDB)', () => {
    expect(() => makeDynamo({ region: 'eu-west-1', unsignedLoopback: true })).toThrow(/loopback endpoint/);
    expect(() =>
      makeDynamo({ region: 'local', endpoint: 'http://dynamo.example.com:8000', unsignedLoopback: true }),
    ).toThrow(/dynamo\.example\.com/);
  });

  it('talks to dynalite in its worker thread, whose data on disk survives a restart', async () => {
    const path = join(dir, 'dynalite');
    const first = await startEmbeddedDynamo({ path, thread: true });
    const a = makeDynamo({ region: 'local', endpoint: first.endpoint, unsignedLoopback: true });
    await ensureOrderTables(a.client, TABLES);
    await a.doc.send(new PutCommand({ TableName: TABLES.payments, Item: { idempotencyKey: 'k1', amountCents: 5 } }));
    a.client.destroy();
    // close() resolves once the worker closed LevelDB, so reopening the same directory finds no lock.
    await first.close();

    const second = await startEmbeddedDynamo({ path, thread: true });
    const b = makeDynamo({ region: 'local', endpoint: second.endpoint, unsignedLoopback: true });
    try {
      const out = await b.doc.send(
        new GetCommand({ TableName: TABLES.payments, Key: { idempotencyKey: 'k1' }, ConsistentRead: true }),
      );
      expect(out.Item).toEqual({ idempotencyKey: 'k1', amountCents: 5 });
    } finally {
      b.client.destroy();
      await second.close();
    }
  });

  it('reports a data directory that cannot be created instead of starting a thread', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(startEmbeddedDynamo({ path: join(file, 'db'), thread: true })).rejects.toThrow(/ENOTDIR/);
  });
});
