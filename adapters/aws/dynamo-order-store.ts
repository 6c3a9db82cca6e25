import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OrderId, UserId } from '../../src/domain/ids.ts';
import {
  type AwaitingCourier,
  FINAL_STATUSES as FINISHED,
  type Order,
  type OrderState,
  type OrderStatus,
  type StatusEntry,
} from '../../src/domain/orders/order.ts';
import type { OrderStore, TransitionExtras } from '../../src/ports/order-store.ts';
import { isConditionFailure } from './dynamo-client.ts';
import { BY_USER_INDEX } from './dynamo-tables.ts';
import { itemToOrder, orderToItem, stateFields } from './order-item.ts';

/** Orders in DynamoDB (or dynalite): one item per order with its status history as a list. */
export class DynamoOrderStore implements OrderStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#doc = doc;
    this.#table = table;
  }

  async create(order: Order): Promise<'created' | 'exists'> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: orderToItem(order),
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
  }

  async get(id: OrderId): Promise<Order | undefined> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { orderId: id }, ConsistentRead: true }),
    );
    return out.Item ? itemToOrder(out.Item) : undefined;
  }

  async listByUser(user: UserId, limit: number, space?: string): Promise<Order[]> {
    // A filter applies after `Limit`, so pages are read until `limit` orders of the server are found.
    const bySpace =
      space === undefined
        ? {}
        : {
            FilterExpression: 'attribute_not_exists(#sp) OR #sp = :sp',
            ExpressionAttributeNames: { '#sp': 'space' },
          };
    const orders: Order[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: BY_USER_INDEX,
          KeyConditionExpression: 'userId = :u',
          ExpressionAttributeValues: { ':u': user, ...(space === undefined ? {} : { ':sp': space }) },
          ...bySpace,
          ScanIndexForward: false,
          // Filtered: read a fuller page, so a customer's orders in other servers cost few round trips.
          Limit: space === undefined ? limit : Math.max(limit, 25),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      orders.push(...(out.Items ?? []).map(itemToOrder));
      start = out.LastEvaluatedKey;
    } while (start && orders.length < limit);
    return orders.slice(0, limit);
  }

  listAll(): Promise<Order[]> {
    return this.#scan({});
  }

  listUnfinished(): Promise<Order[]> {
    const values = Object.fromEntries(FINISHED.map((s, i) => [`:f${i}`, s]));
    return this.#scan({
      FilterExpression: `NOT #s IN (${Object.keys(values).join(', ')})`,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: values,
    });
  }

  async #scan(filter: {
    FilterExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  }): Promise<Order[]> {
    const orders: Order[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new ScanCommand({
          TableName: this.#table,
          ...filter,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      orders.push(...(out.Items ?? []).map(itemToOrder));
      start = out.LastEvaluatedKey;
    } while (start);
    return orders;
  }

  async transition(
    id: OrderId,
    from: readonly OrderStatus[],
    next: OrderState,
    entry: StatusEntry,
    also: TransitionExtras = {},
  ): Promise<boolean> {
    if (from.length === 0) return false;
    const fields: Record<string, unknown> = {
      ...stateFields(next),
      ...(also.noticeClaim ? { noticeClaim: also.noticeClaim } : {}),
      ...(also.awaiting ? { awaiting: also.awaiting } : {}),
    };
    const names: Record<string, string> = { '#s': 'status' };
    // The outbox record, in the same write as the status: the status's notice is pending until published.
    const values: Record<string, unknown> = {
      ':s': next.status,
      ':e': [entry],
      ':unsent': new Set([next.status]),
      ':at': entry.at,
    };
    from.forEach((status, i) => {
      values[`:from${i}`] = status;
    });
    const sets = ['#s = :s', 'history = list_append(history, :e)', 'outboxAt = if_not_exists(outboxAt, :at)'];
    for (const [key, value] of Object.entries(fields)) {
      sets.push(`#${key} = :${key}`);
      names[`#${key}`] = key;
      values[`:${key}`] = value;
    }
    const removes = ['awaiting', 'chargeId', 'reason'].filter((k) => !(k in fields));
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { orderId: id },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD unsent :unsent`,
          // Delivered only if no compensation began (markCompensating): the two writes exclude each other.
          ConditionExpression: `#s IN (${from.map((_, i) => `:from${i}`).join(', ')})${
            next.status === 'delivered' ? ' AND attribute_not_exists(compensating)' : ''
          }`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markCompensating(id: OrderId, at: string): Promise<'marked' | 'delivered' | 'not_found'> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { orderId: id },
          UpdateExpression: 'SET compensating = if_not_exists(compensating, :at)',
          ConditionExpression: 'attribute_exists(orderId) AND #s <> :delivered',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':at': at, ':delivered': 'delivered' },
        }),
      );
      return 'marked';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.get(id)) ? 'delivered' : 'not_found';
    }
  }

  async setAwaiting(id: OrderId, awaiting: AwaitingCourier, onlyFrom: readonly OrderStatus[]): Promise<boolean> {
    if (onlyFrom.length === 0) return false;
    const values: Record<string, unknown> = { ':a': awaiting };
    onlyFrom.forEach((status, i) => {
      values[`:from${i}`] = status;
    });
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { orderId: id },
          UpdateExpression: 'SET awaiting = :a',
          ConditionExpression: `#s IN (${onlyFrom.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async clearAwaiting(id: OrderId): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { orderId: id },
        UpdateExpression: 'REMOVE awaiting',
        ConditionExpression: 'attribute_exists(orderId)',
      }),
    );
  }

  async changeAddress(
    id: OrderId,
    change: { readonly address: string; readonly zoneId: string },
    allowedFrom: readonly OrderStatus[],
  ): Promise<'changed' | 'too_late' | 'not_found'> {
    const values: Record<string, unknown> = { ':a': change.address, ':z': change.zoneId };
    allowedFrom.forEach((status, i) => {
      values[`:ok${i}`] = status;
    });
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { orderId: id },
          UpdateExpression: 'SET address = :a, zoneId = :z',
          ConditionExpression: `attribute_exists(orderId) AND #s IN (${allowedFrom.map((_, i) => `:ok${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return 'changed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.get(id)) ? 'too_late' : 'not_found';
    }
  }
}
