import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Amounts,
  BucketRequest,
  BucketUsage,
  BudgetStore,
  Dimension,
  HoldOutcome,
} from '../../src/ports/budget-store.ts';
import { untilActive } from './dynamo-tables.ts';

/** Attribute names per dimension: used (u*) and committed = used + held (c*). */
const DIMENSIONS: readonly Dimension[] = ['tokens', 'costMicros', 'voiceSeconds'];
const USED = { tokens: 'ut', costMicros: 'uc', voiceSeconds: 'uv' } as const;
const COMMITTED = { tokens: 'ct', costMicros: 'cc', voiceSeconds: 'cv' } as const;
const HOLD_PREFIX = 'h_';
/** Items outlive their period by this long (for /usage of the last period), then DynamoDB TTL removes them. */
const KEEP_AFTER_PERIOD_S = 40 * 86_400;

interface HeldItem {
  readonly tokens: number;
  readonly costMicros: number;
  readonly voiceSeconds: number;
  readonly at: number;
}

/**
 * Budget buckets in one DynamoDB table (key `bucket`), the same code against DynamoDB in the cloud and the embedded
 * dynalite locally. Every admission is one conditional UpdateItem per bucket (`committed < limit`); a hold that
 * passes the user's bucket but not the server's is released again, so a refusal holds nothing.
 */
export class DynamoBudgetStore implements BudgetStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#table = tableName;
  }

  async hold(holdId: string, buckets: readonly BucketRequest[], at: Date): Promise<HoldOutcome> {
    const done: BucketRequest[] = [];
    for (const bucket of buckets) {
      const full = DIMENSIONS.find((d) => bucket.amounts[d] > 0 && (bucket.limits[d] ?? Number.POSITIVE_INFINITY) <= 0);
      const outcome = full
        ? { ok: false as const, key: bucket.key, dimension: full }
        : await this.#holdOne(holdId, bucket, at);
      if (!outcome.ok) {
        await this.release(holdId, done);
        return outcome;
      }
      done.push(bucket);
    }
    return { ok: true };
  }

  async #holdOne(holdId: string, bucket: BucketRequest, at: Date): Promise<HoldOutcome> {
    const names: Record<string, string> = { '#h': holdAttribute(holdId), '#exp': 'expiresAt' };
    const values: Record<string, unknown> = {
      ':hold': { ...bucket.amounts, at: at.getTime() } satisfies HeldItem,
      ':exp': Math.ceil(bucket.periodEnd.getTime() / 1000) + KEEP_AFTER_PERIOD_S,
    };
    const conditions = ['attribute_not_exists(#h)'];
    const adds: string[] = [];
    for (const d of DIMENSIONS) {
      names[`#${COMMITTED[d]}`] = COMMITTED[d];
      values[`:${d}`] = bucket.amounts[d];
      adds.push(`#${COMMITTED[d]} :${d}`);
      const limit = bucket.limits[d];
      if (limit !== undefined && bucket.amounts[d] > 0) {
        values[`:lim_${d}`] = limit;
        conditions.push(`(attribute_not_exists(#${COMMITTED[d]}) OR #${COMMITTED[d]} < :lim_${d})`);
      }
    }
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { bucket: bucket.key },
          UpdateExpression: `SET #h = :hold, #exp = if_not_exists(#exp, :exp) ADD ${adds.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Refused: a retry of a hold that is already in place, or a full dimension (say which).
    const item = await this.#get(bucket.key);
    if (item?.[holdAttribute(holdId)] !== undefined) return { ok: true };
    const committed = usageOf(item);
    const dimension =
      DIMENSIONS.find((d) => bucket.amounts[d] > 0 && committedOf(committed, d) >= (bucket.limits[d] ?? Infinity)) ??
      'tokens';
    return { ok: false, key: bucket.key, dimension };
  }

  async settle(holdId: string, buckets: readonly BucketRequest[], actual: Amounts): Promise<void> {
    for (const bucket of buckets) {
      const delta = mapAmounts((d) => actual[d] - bucket.amounts[d]);
      try {
        await this.#update(
          bucket.key,
          'REMOVE #h',
          { '#h': holdAttribute(holdId) },
          delta,
          actual,
          'attribute_exists(#h)',
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The hold was swept (or settled) already: what was really used still counts, once.
        await this.#update(bucket.key, undefined, {}, actual, actual);
      }
    }
  }

  async release(holdId: string, buckets: readonly BucketRequest[]): Promise<void> {
    for (const bucket of buckets) await this.#releaseHeld(bucket.key, holdId, bucket.amounts);
  }

  async charge(buckets: readonly BucketRequest[], at: Date): Promise<readonly BucketUsage[]> {
    const after: BucketUsage[] = [];
    for (const bucket of buckets) {
      const item = await this.#update(
        bucket.key,
        'SET #exp = if_not_exists(#exp, :exp)',
        { '#exp': 'expiresAt' },
        bucket.amounts,
        bucket.amounts,
        undefined,
        {
          ':exp': Math.ceil(Math.max(bucket.periodEnd.getTime(), at.getTime()) / 1000) + KEEP_AFTER_PERIOD_S,
        },
      );
      after.push(usageOf(item));
    }
    return after;
  }

  async read(key: string): Promise<BucketUsage> {
    return usageOf(await this.#get(key));
  }

  async sweep(key: string, olderThan: Date): Promise<number> {
    const item = await this.#get(key);
    let swept = 0;
    for (const [name, value] of Object.entries(item ?? {})) {
      if (!name.startsWith(HOLD_PREFIX) || !isHeld(value) || value.at >= olderThan.getTime()) continue;
      if (await this.#releaseHeld(key, name.slice(HOLD_PREFIX.length), value)) swept += 1;
    }
    return swept;
  }

  async #releaseHeld(key: string, holdId: string, amounts: Amounts): Promise<boolean> {
    try {
      const back = mapAmounts((d) => -amounts[d]);
      await this.#update(key, 'REMOVE #h', { '#h': holdAttribute(holdId) }, back, undefined, 'attribute_exists(#h)');
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One UpdateItem adding to committed (and used) counters, with an optional extra clause and condition. */
  async #update(
    key: string,
    clause: string | undefined,
    extraNames: Record<string, string>,
    committed: Amounts,
    used: Amounts | undefined,
    condition?: string,
    extraValues: Record<string, unknown> = {},
  ): Promise<Record<string, unknown> | undefined> {
    const names: Record<string, string> = { ...extraNames };
    const values: Record<string, unknown> = { ...extraValues };
    const adds: string[] = [];
    for (const d of DIMENSIONS) {
      names[`#${COMMITTED[d]}`] = COMMITTED[d];
      values[`:c_${d}`] = committed[d];
      adds.push(`#${COMMITTED[d]} :c_${d}`);
      if (used) {
        names[`#${USED[d]}`] = USED[d];
        values[`:u_${d}`] = used[d];
        adds.push(`#${USED[d]} :u_${d}`);
      }
    }
    const result = await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { bucket: key },
        UpdateExpression: `${clause ?? ''} ADD ${adds.join(', ')}`.trim(),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ...(condition ? { ConditionExpression: condition } : {}),
      }),
    );
    return result.Attributes;
  }

  async #get(key: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { bucket: key }, ConsistentRead: true }),
    );
    return result.Item;
  }
}

/** Creates the table on a local endpoint; in the cloud it is provisioned (with TTL on `expiresAt`). */
export async function ensureBudgetTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await untilActive(client, tableName);
}

const holdAttribute = (holdId: string): string => `${HOLD_PREFIX}${holdId}`;

const mapAmounts = (f: (d: Dimension) => number): Amounts => ({
  tokens: f('tokens'),
  costMicros: f('costMicros'),
  voiceSeconds: f('voiceSeconds'),
});

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

function usageOf(item: Record<string, unknown> | undefined): BucketUsage {
  const used = mapAmounts((d) => num(item?.[USED[d]]));
  return { used, held: mapAmounts((d) => num(item?.[COMMITTED[d]]) - used[d]) };
}

const committedOf = (usage: BucketUsage, d: Dimension): number => usage.used[d] + usage.held[d];

function isHeld(value: unknown): value is HeldItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.at === 'number' && typeof v.tokens === 'number' && typeof v.costMicros === 'number';
}
