import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderId } from '../../src/domain/ids.ts';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import type { Inventory, Reservation } from '../../src/ports/inventory.ts';
import { isConditionFailure } from './dynamo-client.ts';
import { CatalogTable, reservationKey, reservationToItem } from './inventory-items.ts';

/**
 * The catalog with stock, on DynamoDB: a reservation is one `TransactWriteItems` of two items, the order's own
 * reservation item (only if it does not exist) and the product (stock decremented only if enough remains). No item
 * grows with the number of open orders; a product's write cost is constant.
 */
export class DynamoInventory implements Inventory {
  readonly #catalog: CatalogTable;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#catalog = new CatalogTable(doc, table);
  }

  list = (): Promise<StockedProduct[]> => this.#catalog.list();
  get = (productId: string): Promise<StockedProduct | undefined> => this.#catalog.get(productId);
  reservation = (order: OrderId): Promise<Reservation | undefined> => this.#catalog.reservation(order);
  reservations = (): Promise<Reservation[]> => this.#catalog.reservations();
  settle = (_productId: string, order: OrderId): Promise<void> => this.#catalog.settle(order);
  restock = (productId: string, quantity: number) => this.#catalog.restock(productId, quantity);
  put = (product: StockedProduct): Promise<void> => this.#catalog.put(product);

  async reserve(
    productId: string,
    order: OrderId,
    quantity: number,
  ): Promise<'reserved' | 'insufficient' | 'released'> {
    const { doc, table } = this.#catalog;
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: reservationToItem({ order, productId, quantity, state: 'held' }),
                ConditionExpression: 'attribute_not_exists(productId)',
              },
            },
            {
              Update: {
                TableName: table,
                Key: { productId },
                UpdateExpression: 'SET stock = stock - :q',
                ConditionExpression: 'attribute_exists(productId) AND stock >= :q',
                ExpressionAttributeValues: { ':q': quantity },
              },
            },
          ],
        }),
      );
      return 'reserved';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [reservation, product] = error.CancellationReasons ?? [];
      if (reservation?.Code === 'ConditionalCheckFailed') {
        const existing = await this.reservation(order);
        return existing?.state === 'released' ? 'released' : 'reserved';
      }
      if (product?.Code === 'ConditionalCheckFailed') return 'insufficient';
      throw error;
    }
  }

  async release(productId: string, order: OrderId): Promise<void> {
    const { doc, table } = this.#catalog;
    for (let round = 0; round < 5; round += 1) {
      const existing = await this.reservation(order);
      if (existing && existing.state !== 'held') return;
      if (!existing) {
        // The tombstone: a reserve still in flight (timed out, not cancelled) finds it and takes nothing.
        try {
          await doc.send(
            new PutCommand({
              TableName: table,
              Item: reservationToItem({ order, productId, quantity: 0, state: 'released' }),
              ConditionExpression: 'attribute_not_exists(productId)',
            }),
          );
          return;
        } catch (error) {
          if (isConditionFailure(error)) continue;
          throw error;
        }
      }
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: reservationKey(order),
                  UpdateExpression: 'SET #st = :released',
                  ConditionExpression: '#st = :held',
                  ExpressionAttributeNames: { '#st': 'state' },
                  ExpressionAttributeValues: { ':released': 'released', ':held': 'held' },
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { productId: existing.productId },
                  UpdateExpression: 'SET stock = stock + :q',
                  ExpressionAttributeValues: { ':q': existing.quantity },
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
      }
    }
    throw new Error(`The reservation of order ${order} kept changing while it was being released.`);
  }
}
