import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderId } from '../../src/domain/ids.ts';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import type { Inventory, Reservation } from '../../src/ports/inventory.ts';
import { isConditionFailure } from '../aws/dynamo-client.ts';
import { CatalogTable, reservationToItem } from '../aws/inventory-items.ts';
import { BATCH_OP, batchOf, commitGroup, type QueuedReservation, type ReserveOutcome } from './grouped-reservations.ts';
import { KeyedMutex } from './keyed-mutex.ts';

/**
 * The same inventory on embedded dynalite, which has no `TransactWriteItems`. The guarantees come from two facts
 * of one-machine mode instead: this process is the table's only writer, and it serializes every reservation write
 * of a product behind one in-process lock. Under the lock a reservation is two writes: the product first (stock
 * conditioned on enough remaining, and `lastOp` naming the order and the operation), then the reservation item. A
 * crash between them leaves `lastOp` pointing at an order whose item is missing or still held; `repair()` (run at
 * start, before any workflow) completes that one write. Reservations arriving together are committed as one group
 * (grouped-reservations.ts), with `lastBatch` for the repair. Same item layout as the DynamoDB adapter.
 */
export class LocalInventory implements Inventory {
  readonly #catalog: CatalogTable;
  readonly #locks = new KeyedMutex();
  /** Per product: the reservations waiting for the next group commit. */
  readonly #queues = new Map<string, QueuedReservation[]>();

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#catalog = new CatalogTable(doc, table);
  }

  list = (): Promise<StockedProduct[]> => this.#catalog.list();
  get = (productId: string): Promise<StockedProduct | undefined> => this.#catalog.get(productId);
  reservation = (order: OrderId): Promise<Reservation | undefined> => this.#catalog.reservation(order);
  reservations = (): Promise<Reservation[]> => this.#catalog.reservations();
  settle = (_productId: string, order: OrderId): Promise<void> => this.#catalog.settle(order);
  restock = (productId: string, quantity: number) =>
    this.#inTurn(productId, () => this.#catalog.restock(productId, quantity));
  put = (product: StockedProduct): Promise<void> => this.#inTurn(product.id, () => this.#catalog.put(product));

  /**
   * Reservations of one product are committed in groups: those that arrive while the product's lock is held wait in
   * one queue and are committed together when it frees (`commitGroup`: one read, one product write, the items), so a
   * hot product costs a few round trips per group instead of three per order. Alone, an order takes the direct path.
   */
  reserve(productId: string, order: OrderId, quantity: number): Promise<ReserveOutcome> {
    return new Promise<ReserveOutcome>((resolve, reject) => {
      const entry = { order, quantity, resolve, reject };
      const open = this.#queues.get(productId);
      if (open) {
        open.push(entry);
        return;
      }
      const queue = [entry];
      this.#queues.set(productId, queue);
      void this.#locks.run(productId, async () => {
        // From here on, new arrivals start the next group.
        if (this.#queues.get(productId) === queue) this.#queues.delete(productId);
        try {
          const grouped = queue.length > 1 && (await commitGroup(this.#catalog, productId, queue));
          if (!grouped) for (const q of queue) q.resolve(await this.#reserveOne(productId, q.order, q.quantity));
        } catch (error) {
          for (const q of queue) q.reject(error);
        }
      });
    });
  }

  /**
   * Any other write of the product, in call order with the reservations: the open group is closed first, so a
   * reserve called after this write (a late reserve after a release) is committed after it, never before.
   */
  #inTurn<T>(productId: string, write: () => Promise<T>): Promise<T> {
    this.#queues.delete(productId);
    return this.#locks.run(productId, write);
  }

  async #reserveOne(productId: string, order: OrderId, quantity: number): Promise<ReserveOutcome> {
    const existing = await this.reservation(order);
    if (existing) return existing.state === 'released' ? 'released' : 'reserved';
    if (!(await this.#changeStock(productId, -quantity, `${order}:reserve`))) return 'insufficient';
    await this.#putReservation({ order, productId, quantity, state: 'held' });
    return 'reserved';
  }

  release(productId: string, order: OrderId): Promise<void> {
    return this.#inTurn(productId, async () => {
      const existing = await this.reservation(order);
      if (!existing) {
        await this.#putReservation({ order, productId, quantity: 0, state: 'released' });
        return;
      }
      if (existing.state !== 'held') return;
      await this.#changeStock(existing.productId, existing.quantity, `${order}:release`);
      await this.#putReservation({ ...existing, state: 'released' });
    });
  }

  /**
   * Completes the reservation write a crash cut between the product and its reservation item. Returns how many it
   * completed. Call before any workflow runs.
   */
  async repair(): Promise<number> {
    const products = await this.#catalog.scan('products');
    let repaired = 0;
    for (const item of products) {
      const lastOp = typeof item.lastOp === 'string' ? item.lastOp : undefined;
      const productId = String(item.productId);
      if (lastOp === BATCH_OP) {
        for (const { order, quantity } of batchOf(item)) {
          if (await this.reservation(order)) continue;
          await this.#putReservation({ order, productId, quantity, state: 'held' });
          repaired += 1;
        }
        continue;
      }
      const [order, op] = (lastOp ?? '').split(':') as [OrderId, string];
      if (!lastOp || !order) continue;
      const existing = await this.reservation(order);
      if (op === 'reserve' && !existing) {
        const quantity = Number(item.lastQuantity ?? 0);
        await this.#putReservation({ order, productId, quantity, state: 'held' });
        repaired += 1;
      } else if (op === 'release' && existing?.state === 'held') {
        await this.#putReservation({ ...existing, state: 'released' });
        repaired += 1;
      }
    }
    return repaired;
  }

  async #changeStock(productId: string, delta: number, op: string): Promise<boolean> {
    try {
      await this.#catalog.doc.send(
        new UpdateCommand({
          TableName: this.#catalog.table,
          Key: { productId },
          UpdateExpression: 'SET stock = stock + :d, lastOp = :op, lastQuantity = :n',
          ConditionExpression: 'attribute_exists(productId) AND stock >= :need',
          ExpressionAttributeValues: { ':d': delta, ':op': op, ':n': Math.abs(delta), ':need': Math.max(0, -delta) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #putReservation(reservation: Reservation): Promise<void> {
    await this.#catalog.doc.send(
      new PutCommand({ TableName: this.#catalog.table, Item: reservationToItem(reservation) }),
    );
  }
}
