import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { DynamoNoticeRecords } from '../../../adapters/aws/dynamo-notice-records.ts';
import { ensureOrderTables } from '../../../adapters/aws/dynamo-tables.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import type { OrderId } from '../../../src/domain/ids.ts';

const TABLES = { orders: 'orders', catalog: 'catalog', payments: 'payments' };

/** The ledger's "shown" write on the order item: it leaves the outbox index once nothing is pending. */
describe('DynamoNoticeRecords.shown and the outbox index', () => {
  let dynamo: EmbeddedDynamo;
  let clients: ReturnType<typeof makeDynamo>;
  let records: DynamoNoticeRecords;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    clients = makeDynamo({ region: 'local', endpoint: dynamo.endpoint, unsignedLoopback: true });
    await ensureOrderTables(clients.client, TABLES);
    records = new DynamoNoticeRecords(clients.doc, TABLES.orders);
  });
  afterAll(async () => {
    clients.client.destroy();
    await dynamo.close();
  });

  const anOrder = async (id: string, unsent: string[]) => {
    await clients.doc.send(
      new PutCommand({
        TableName: TABLES.orders,
        Item: { orderId: id, status: 'preparing', unsent: new Set(unsent), outboxAt: '2026-12-04T10:00:00.000Z' },
      }),
    );
    return id as OrderId;
  };
  const item = async (id: OrderId) =>
    (await clients.doc.send(new GetCommand({ TableName: TABLES.orders, Key: { orderId: id } }))).Item ?? {};

  it('the only pending notice shown: ledger, outbox record and index entry go in the same write', async () => {
    const id = await anOrder('ord_only', ['confirmed']);
    await records.shown(id, 1, 'confirmed');
    const after = await item(id);
    expect(after.noticeShown).toBe(1);
    expect(after.unsent).toBeUndefined();
    expect(after.outboxAt).toBeUndefined();
    expect(await records.pending('2099-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('another notice still pending: the order stays in the outbox index for the sweep', async () => {
    const id = await anOrder('ord_two', ['confirmed', 'preparing']);
    await records.shown(id, 2, 'preparing');
    const after = await item(id);
    expect(after.noticeShown).toBe(2);
    expect([...(after.unsent as Set<string>)]).toEqual(['confirmed']);
    // Still in the sparse index (`outboxAt`), where the sweep looks.
    expect(after.outboxAt).toBe('2026-12-04T10:00:00.000Z');
  });

  it('an older notice after a newer one was shown: the rank stays, its outbox record goes (old news)', async () => {
    const id = await anOrder('ord_old', ['confirmed']);
    await records.shown(id, 3);
    await records.shown(id, 1, 'confirmed');
    const after = await item(id);
    expect(after.noticeShown).toBe(3);
    expect(after.unsent).toBeUndefined();
  });
});
