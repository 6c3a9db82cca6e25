import { BatchGetCommand, BatchWriteCommand, type BatchWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderId } from '../../src/domain/ids.ts';
import type { Reservation } from '../../src/ports/inventory.ts';
import { isConditionFailure } from '../aws/dynamo-client.ts';
import {
  type CatalogTable,
  reservationKey,
  reservationToItem,
  toProduct,
  toReservation,
} from '../aws/inventory-items.ts';

export type ReserveOutcome = 'reserved' | 'insufficient' | 'released';

/** One reservation waiting for its product's next commit. */
export interface QueuedReservation {
  readonly order: OrderId;
  readonly quantity: number;
  resolve(outcome: ReserveOutcome): void;
  reject(error: unknown): void;
}

/** `lastOp` of a product write that took the units of several orders; `lastBatch` lists them (`order=quantity`). */
export const BATCH_OP = 'batch:reserve';

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * Commits the reservations queued for one product in one go, under that product's lock (this process is the table's
 * only writer): one read of the product and the orders' reservation items, one conditional product write taking
 * the units of every order that fits (in arrival order, stock never below zero, `lastBatch` naming them), then the
 * reservation items. A crash between the product write and the items leaves `lastBatch`; `LocalInventory.repair()`
 * writes the missing items. Answers false (nothing written) when the product write is refused: the caller then
 * commits one by one.
 */
export async function commitGroup(
  catalog: CatalogTable,
  productId: string,
  queued: readonly QueuedReservation[],
): Promise<boolean> {
  const orders = [...new Set(queued.map((q) => q.order))];
  const existing = new Map<OrderId, Reservation>();
  let stock: number | undefined;
  for (const keys of chunks([{ productId }, ...orders.map(reservationKey)], 100)) {
    let pending: Record<string, unknown>[] = keys;
    while (pending.length > 0) {
      const out = await catalog.doc.send(
        new BatchGetCommand({ RequestItems: { [catalog.table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[catalog.table] ?? []) {
        if (item.productId === productId) stock = toProduct(item).stock;
        else {
          const r = toReservation(item);
          existing.set(r.order, r);
        }
      }
      pending = out.UnprocessedKeys?.[catalog.table]?.Keys ?? [];
    }
  }
  // Decide in arrival order; a second reserve of one order in the same batch gets the first one's outcome.
  let left = stock ?? 0;
  const outcome = new Map<OrderId, ReserveOutcome>();
  const taken: Reservation[] = [];
  for (const q of queued) {
    if (outcome.has(q.order)) continue;
    const before = existing.get(q.order);
    if (before) outcome.set(q.order, before.state === 'released' ? 'released' : 'reserved');
    else if (stock !== undefined && q.quantity <= left) {
      left -= q.quantity;
      taken.push({ order: q.order, productId, quantity: q.quantity, state: 'held' });
      outcome.set(q.order, 'reserved');
    } else outcome.set(q.order, 'insufficient');
  }
  if (taken.length > 0) {
    const total = taken.reduce((sum, r) => sum + r.quantity, 0);
    try {
      await catalog.doc.send(
        new UpdateCommand({
          TableName: catalog.table,
          Key: { productId },
          UpdateExpression: 'SET stock = stock - :t, lastOp = :op, lastBatch = :b REMOVE lastQuantity',
          ConditionExpression: 'attribute_exists(productId) AND stock >= :t',
          ExpressionAttributeValues: {
            ':t': total,
            ':op': BATCH_OP,
            ':b': taken.map((r) => `${r.order}=${r.quantity}`),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    for (const part of chunks(taken, 25)) {
      let requests: WriteRequests = part.map((r) => ({ PutRequest: { Item: reservationToItem(r) } }));
      while (requests.length > 0) {
        const out = await catalog.doc.send(new BatchWriteCommand({ RequestItems: { [catalog.table]: requests } }));
        requests = out.UnprocessedItems?.[catalog.table] ?? [];
      }
    }
  }
  for (const q of queued) q.resolve(outcome.get(q.order) ?? 'insufficient');
  return true;
}

/** The orders and quantities a batched product write named (`lastBatch`), for crash repair. */
export function batchOf(item: Record<string, unknown>): { order: OrderId; quantity: number }[] {
  const list = Array.isArray(item.lastBatch) ? item.lastBatch : [];
  return list.flatMap((entry) => {
    const [order, quantity] = String(entry).split('=');
    return order && quantity ? [{ order: order as OrderId, quantity: Number(quantity) }] : [];
  });
}
