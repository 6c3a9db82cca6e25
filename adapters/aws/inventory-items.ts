import { type DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { OrderId } from '../../src/domain/ids.ts';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import type { Reservation } from '../../src/ports/inventory.ts';
import { isConditionFailure } from './dynamo-client.ts';

/**
 * Reservations live in the catalog table (single-table design) under the key `rsv#<orderId>`, next to the
 * products, so one transaction can write a reservation and its product.
 */
export const RESERVATION_PREFIX = 'rsv#';
export const reservationKey = (order: OrderId) => ({ productId: `${RESERVATION_PREFIX}${order}` });

const productItem = z.object({
  productId: z.string(),
  name: z.string(),
  priceCents: z.number().int(),
  stock: z.number().int(),
});

const reservationItem = z.object({
  productId: z.string(),
  orderId: z.string(),
  product: z.string(),
  quantity: z.number().int(),
  state: z.enum(['held', 'released', 'settled']),
});

export const toProduct = (raw: unknown): StockedProduct => {
  const item = productItem.parse(raw);
  return { id: item.productId, name: item.name, priceCents: item.priceCents, stock: item.stock };
};

export const toReservation = (raw: unknown): Reservation => {
  const item = reservationItem.parse(raw);
  return { order: item.orderId as OrderId, productId: item.product, quantity: item.quantity, state: item.state };
};

export const reservationToItem = (r: Reservation) => ({
  ...reservationKey(r.order),
  orderId: r.order,
  product: r.productId,
  quantity: r.quantity,
  state: r.state,
});

/** The catalog reads and writes both inventories share (only the reservation writes differ). */
export class CatalogTable {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async scan(kind: 'products' | 'reservations'): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: kind === 'products' ? 'NOT begins_with(productId, :r)' : 'begins_with(productId, :r)',
          ExpressionAttributeValues: { ':r': RESERVATION_PREFIX },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  async list(): Promise<StockedProduct[]> {
    return (await this.scan('products')).map(toProduct).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(productId: string): Promise<StockedProduct | undefined> {
    if (productId.startsWith(RESERVATION_PREFIX)) return undefined;
    const item = await this.getItem({ productId });
    return item ? toProduct(item) : undefined;
  }

  async reservation(order: OrderId): Promise<Reservation | undefined> {
    const item = await this.getItem(reservationKey(order));
    return item ? toReservation(item) : undefined;
  }

  async reservations(): Promise<Reservation[]> {
    return (await this.scan('reservations')).map(toReservation);
  }

  /** held → settled (one item: no transaction needed). */
  async settle(order: OrderId): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: reservationKey(order),
          UpdateExpression: 'SET #st = :settled',
          ConditionExpression: '#st = :held',
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':settled': 'settled', ':held': 'held' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async restock(productId: string, quantity: number): Promise<StockedProduct | undefined> {
    if (productId.startsWith(RESERVATION_PREFIX)) return undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { productId },
          UpdateExpression: 'SET stock = stock + :q',
          ConditionExpression: 'attribute_exists(productId)',
          ExpressionAttributeValues: { ':q': quantity },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toProduct(out.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async put(product: StockedProduct): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { productId: product.id },
        UpdateExpression: 'SET #n = :n, priceCents = :p, stock = :s',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': product.name, ':p': product.priceCents, ':s': product.stock },
      }),
    );
  }
}
