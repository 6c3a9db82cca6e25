import {
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OrderId } from '../../src/domain/ids.ts';
import type { OrderStatus } from '../../src/domain/orders/order.ts';
import type { NoticeLedger, NoticeOutbox, PendingNotices } from '../../src/ports/status-notices.ts';
import { isConditionFailure } from './dynamo-client.ts';
import { BY_OUTBOX_INDEX } from './dynamo-tables.ts';
import { itemToOrder } from './order-item.ts';

/**
 * The outbox and the shown-notices ledger, both on the order's own item, so every write is one conditional
 * UpdateItem (DynamoDB and dynalite alike, no transaction):
 * - `unsent` (string set) and `outboxAt`: written by DynamoOrderStore.transition with the status; `outboxAt` keys
 *   the sparse `byOutbox` index, so the sweep reads only orders with something pending (or just finished: the
 *   sweep takes those out).
 * - `noticeShown` (number): the highest rank shown; `noticeClaim` ({rank, until}): a relay sending a DM now.
 */
export class DynamoNoticeRecords implements NoticeOutbox, NoticeLedger {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#doc = doc;
    this.#table = table;
  }

  async pending(before: string): Promise<PendingNotices[]> {
    const found: PendingNotices[] = [];
    const done: OrderId[] = [];
    let start: Record<string, unknown> | undefined;
    let useIndex = true;
    do {
      let out: ScanCommandOutput;
      try {
        out = await this.#doc.send(
          new ScanCommand({
            TableName: this.#table,
            ...(useIndex ? { IndexName: BY_OUTBOX_INDEX } : {}),
            FilterExpression: 'outboxAt < :before',
            ExpressionAttributeValues: { ':before': before },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
      } catch (error) {
        // A table made before the index existed (an older local data dir): the whole table, filtered.
        if (!useIndex || !(error instanceof Error) || error.name !== 'ValidationException') throw error;
        useIndex = false;
        start = undefined;
        found.length = 0;
        continue;
      }
      for (const item of out.Items ?? []) {
        const unsent = item.unsent instanceof Set ? [...item.unsent].map(String) : [];
        if (unsent.length > 0) found.push({ order: itemToOrder(item), statuses: unsent as OrderStatus[] });
        else done.push(String(item.orderId) as OrderId);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    // Clearing a record leaves `outboxAt` behind (one write per notice, not two): the sweep takes finished orders
    // out of the sparse index, only while nothing new is pending.
    for (const order of done) {
      await this.#conditional({
        order,
        UpdateExpression: 'REMOVE outboxAt',
        ConditionExpression: 'attribute_not_exists(unsent)',
      });
    }
    return found;
  }

  async published(order: OrderId, status: OrderStatus): Promise<void> {
    await this.#conditional({
      order,
      UpdateExpression: 'DELETE unsent :s',
      ConditionExpression: 'attribute_exists(orderId)',
      ExpressionAttributeValues: { ':s': new Set([status]) },
    });
  }

  async claim(
    order: OrderId,
    rank: number,
    leaseUntilMs: number,
    nowMs: number,
  ): Promise<'claimed' | 'shown' | 'busy'> {
    const claimed = await this.#conditional({
      order,
      UpdateExpression: 'SET noticeClaim = :claim',
      ConditionExpression:
        'attribute_exists(orderId) AND (NOT noticeShown >= :rank) AND (NOT noticeClaim.#until >= :now)',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':claim': { rank, until: leaseUntilMs }, ':rank': rank, ':now': nowMs },
    });
    if (claimed) return 'claimed';
    const out = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { orderId: order },
        ConsistentRead: true,
        ProjectionExpression: 'noticeShown, orderId',
      }),
    );
    // An order that does not exist has nobody to tell (and nothing to dedupe against): drop its notice.
    if (!out.Item) return 'shown';
    const shown = typeof out.Item.noticeShown === 'number' ? out.Item.noticeShown : -1;
    return shown >= rank ? 'shown' : 'busy';
  }

  /**
   * Normally one write: rank up, claim removed, outbox record cleared. A status write may have replaced our claim
   * with a newer notice's (StatusNotices.claimOnWrite overwrites whatever claim is there), whose DM may be on its
   * way: the claim is removed only when no higher-rank claim is present. When one is, a second write still records
   * this notice shown (only if no later one was: the rank never goes down) and clears its outbox record, without
   * touching the newer claim; when a later one was shown already, only the outbox record is cleared.
   * Duplicates: the newer claim still blocks every copy of its own notice until its holder's `shown` (rank >= its
   * own, so it removes it) or release or expiry; a copy of this older notice finds the rank already up, or the
   * newer claim busy. Losses: none, as the outbox record goes only with a DM shown (or a later one).
   * What the overwrite gives up (locally, only when an older DM is still in flight as the next status is written):
   * the two DMs may land out of order, and if the newer DM fails (release) while the older one still hangs, a copy of
   * the older one may claim and send it again before the first records it.
   */
  async shown(order: OrderId, rank: number, clears?: OrderStatus): Promise<void> {
    // A comparison with a missing attribute is false, so `NOT x >= :r` reads "x missing, or below :r" (one operator
    // for the expression parser instead of a function and an OR; the same on DynamoDB).
    const rankUp = 'NOT noticeShown >= :rank';
    const claimMineOrNone = 'NOT noticeClaim.#rank > :rank';
    // The usual case: this was the order's only pending notice. The same write then takes the order out of the
    // sparse outbox index (REMOVE outboxAt), so the sweep neither scans it nor spends a second write on it, and the
    // order's later writes stop rewriting an index entry. The next transition puts it back (if_not_exists).
    if (
      clears &&
      (await this.#conditional({
        order,
        UpdateExpression: 'SET noticeShown = :rank REMOVE noticeClaim, unsent, outboxAt',
        ConditionExpression: `(${rankUp}) AND (${claimMineOrNone}) AND size(unsent) = :one AND contains(unsent, :s)`,
        ExpressionAttributeNames: { '#rank': 'rank' },
        ExpressionAttributeValues: { ':rank': rank, ':one': 1, ':s': clears },
      }))
    ) {
      return;
    }
    const clear = clears ? { ':s': new Set([clears]) } : {};
    const mine = await this.#conditional({
      order,
      UpdateExpression: `SET noticeShown = :rank REMOVE noticeClaim${clears ? ' DELETE unsent :s' : ''}`,
      ConditionExpression: `attribute_exists(orderId) AND (${rankUp}) AND (${claimMineOrNone})`,
      ExpressionAttributeNames: { '#rank': 'rank' },
      ExpressionAttributeValues: { ':rank': rank, ...clear },
    });
    if (mine) return;
    const recorded = await this.#conditional({
      order,
      UpdateExpression: `SET noticeShown = :rank${clears ? ' DELETE unsent :s' : ''}`,
      ConditionExpression: `attribute_exists(orderId) AND (${rankUp})`,
      ExpressionAttributeValues: { ':rank': rank, ...clear },
    });
    if (!recorded && clears) await this.published(order, clears);
  }

  async release(order: OrderId, rank: number): Promise<void> {
    await this.#conditional({
      order,
      UpdateExpression: 'REMOVE noticeClaim',
      ConditionExpression: 'noticeClaim.#rank = :rank',
      ExpressionAttributeNames: { '#rank': 'rank' },
      ExpressionAttributeValues: { ':rank': rank },
    });
  }

  /** One conditional update of the order's item: false when its condition did not hold. */
  async #conditional(update: {
    readonly order: OrderId;
    readonly UpdateExpression: string;
    readonly ConditionExpression: string;
    readonly ExpressionAttributeNames?: Record<string, string>;
    readonly ExpressionAttributeValues?: Record<string, unknown>;
  }): Promise<boolean> {
    const { order, ...rest } = update;
    try {
      await this.#doc.send(new UpdateCommand({ TableName: this.#table, Key: { orderId: order }, ...rest }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
