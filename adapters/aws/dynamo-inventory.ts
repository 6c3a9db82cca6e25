import { type DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { OrderId } from '../../src/domain/ids.ts';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import type { Inventory } from '../../src/ports/inventory.ts';
import { isConditionFailure } from './dynamo-client.ts';

const productItem = z.object({
  productId: z.string(),
  name: z.string(),
  priceCents: z.number().int(),
  stock: z.number().int(),
  reservations: z.record(z.string(), z.number().int()).optional(),
});

/**
 * What a catalog read fetches: not `reservations`, which holds one entry per order in flight and would make every
 * product read (each /order, autocomplete) grow with the number of open orders.
 */
const PRODUCT_FIELDS = { ProjectionExpression: 'productId, #n, priceCents, stock', names: { '#n': 'name' } } as const;

const toProduct = (raw: unknown): StockedProduct => {
  const item = productItem.parse(raw);
  return { id: item.productId, name: item.name, priceCents: item.priceCents, stock: item.stock };
};

/**
 * The catalog with stock. A reservation is one conditional UpdateItem on the product: decrement the stock only
 * if enough remains and this order holds no reservation yet, and record the order's units in `reservations`.
 * One item, one atomic write: no transactions needed (dynalite has none), never below zero, replay-safe.
 */
export class DynamoInventory implements Inventory {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#doc = doc;
    this.#table = table;
  }

  async list(): Promise<StockedProduct[]> {
    const products: StockedProduct[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new ScanCommand({
          TableName: this.#table,
          ProjectionExpression: PRODUCT_FIELDS.ProjectionExpression,
          ExpressionAttributeNames: PRODUCT_FIELDS.names,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      products.push(...(out.Items ?? []).map(toProduct));
      start = out.LastEvaluatedKey;
    } while (start);
    return products.sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(productId: string): Promise<StockedProduct | undefined> {
    const out = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { productId },
        ConsistentRead: true,
        ProjectionExpression: PRODUCT_FIELDS.ProjectionExpression,
        ExpressionAttributeNames: PRODUCT_FIELDS.names,
      }),
    );
    return out.Item ? toProduct(out.Item) : undefined;
  }

  async reserve(productId: string, order: OrderId, quantity: number): Promise<'reserved' | 'insufficient'> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { productId },
          UpdateExpression: 'SET stock = stock - :q, reservations.#o = :q',
          ConditionExpression: 'attribute_exists(productId) AND stock >= :q AND attribute_not_exists(reservations.#o)',
          ExpressionAttributeNames: { '#o': order },
          ExpressionAttributeValues: { ':q': quantity },
        }),
      );
      return 'reserved';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.#reservation(productId, order)) === undefined ? 'insufficient' : 'reserved';
    }
  }

  async release(productId: string, order: OrderId): Promise<void> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { productId },
          UpdateExpression: 'SET stock = stock + reservations.#o REMOVE reservations.#o',
          ConditionExpression: 'attribute_exists(reservations.#o)',
          ExpressionAttributeNames: { '#o': order },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async settle(productId: string, order: OrderId): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { productId },
        UpdateExpression: 'REMOVE reservations.#o',
        ConditionExpression: 'attribute_exists(productId)',
        ExpressionAttributeNames: { '#o': order },
      }),
    );
  }

  async restock(productId: string, quantity: number): Promise<StockedProduct | undefined> {
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
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
    // An update, not a put: re-seeding keeps the reservations of orders in flight.
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { productId: product.id },
        UpdateExpression:
          'SET #n = :n, priceCents = :p, stock = :s, reservations = if_not_exists(reservations, :empty)',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': product.name, ':p': product.priceCents, ':s': product.stock, ':empty': {} },
      }),
    );
  }

  /** The units this order holds on the product (only that entry of `reservations` is read). */
  async #reservation(productId: string, order: OrderId): Promise<number | undefined> {
    const out = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { productId },
        ConsistentRead: true,
        ProjectionExpression: 'reservations.#o',
        ExpressionAttributeNames: { '#o': order },
      }),
    );
    const units = (out.Item?.reservations as Record<string, unknown> | undefined)?.[order];
    return typeof units === 'number' ? units : undefined;
  }
}
