import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type {
  AuthorizeOutcome,
  CancelOutcome,
  CaptureOutcome,
  ChargeRequest,
  PaymentGateway,
  PaymentStage,
  PaymentState,
} from '../../src/ports/payment-gateway.ts';
import { isConditionFailure } from '../aws/dynamo-client.ts';

const STAGES = ['authorized', 'declined', 'captured', 'voided', 'refunded', 'cancelled'] as const;
const recordSchema = z.object({
  idempotencyKey: z.string(),
  stage: z.enum(STAGES),
  chargeId: z.string().optional(),
  amountCents: z.number().int(),
});

/** What a cancel does from each stage: the next stage, or nothing to do. */
const CANCEL_MOVES: Partial<Record<PaymentStage, PaymentStage>> = { authorized: 'voided', captured: 'refunded' };

/**
 * A payment provider for one machine (and the cloud demo), with Stripe-like test tokens. One item per idempotency
 * key; every stage change is a conditional write on the item's current stage, so an authorize, a capture and a
 * cancel racing on one key serialize: a cancel that wins leaves a tombstone (`cancelled`) the late authorize sees.
 */
export class SandboxPaymentGateway implements PaymentGateway {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  /** `tok_transient` fails the first attempt of each key (in memory: a restart may fail it once more, harmlessly). */
  readonly #attempts = new Map<string, number>();

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.#doc = doc;
    this.#table = table;
  }

  async authorize(request: ChargeRequest): Promise<AuthorizeOutcome> {
    const attempt = (this.#attempts.get(request.idempotencyKey) ?? 0) + 1;
    this.#attempts.set(request.idempotencyKey, attempt);
    if (request.method === 'tok_transient' && attempt === 1) {
      return { status: 'transient', reason: 'The payment provider timed out (sandbox).' };
    }
    this.#attempts.delete(request.idempotencyKey);
    const approved = request.method === 'tok_ok' || request.method === 'tok_transient';
    const record: PaymentState = {
      idempotencyKey: request.idempotencyKey,
      stage: approved ? 'authorized' : 'declined',
      ...(approved ? { chargeId: `ch_${randomUUID().replaceAll('-', '').slice(0, 20)}` } : {}),
      amountCents: request.amountCents,
    };
    // Write first, read only on conflict: one round trip on the common path.
    if (await this.#putNew(record)) return authorizeOutcome(record);
    const winner = await this.lookup(request.idempotencyKey);
    if (!winner) return { status: 'transient', reason: 'The payment record vanished (sandbox).' };
    return authorizeOutcome(winner);
  }

  async capture(key: string): Promise<CaptureOutcome> {
    const moved = await this.#move(key, 'authorized', 'captured');
    if (moved) return { status: 'captured', chargeId: moved.chargeId ?? '' };
    const now = await this.lookup(key);
    if (now?.stage === 'captured') return { status: 'captured', chargeId: now.chargeId ?? '' };
    return { status: 'not_capturable', stage: now?.stage ?? 'none' };
  }

  async cancel(key: string): Promise<CancelOutcome> {
    // A few rounds: each loses only to another writer moving the same key, and every move is towards a final stage.
    for (let round = 0; round < 5; round += 1) {
      const now = await this.lookup(key);
      if (!now) {
        const tombstone: PaymentState = { idempotencyKey: key, stage: 'cancelled', amountCents: 0 };
        if (await this.#putNew(tombstone)) return { status: 'nothing_taken' };
        continue;
      }
      const next = CANCEL_MOVES[now.stage];
      if (next === undefined) return cancelOutcome(now);
      const moved = await this.#move(key, now.stage, next);
      if (moved) return cancelOutcome(moved);
    }
    return { status: 'transient', reason: 'The payment kept changing while it was being cancelled (sandbox).' };
  }

  async lookup(key: string): Promise<PaymentState | undefined> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { idempotencyKey: key }, ConsistentRead: true }),
    );
    return out.Item ? stripUndefined(recordSchema.parse(out.Item)) : undefined;
  }

  /** The provider's record for a key (tests and support staff check charges with it). */
  record(key: string): Promise<PaymentState | undefined> {
    return this.lookup(key);
  }

  async #putNew(record: PaymentState): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(idempotencyKey)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #move(key: string, from: PaymentStage, to: PaymentStage): Promise<PaymentState | undefined> {
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { idempotencyKey: key },
          UpdateExpression: 'SET stage = :to',
          ConditionExpression: 'stage = :from',
          ExpressionAttributeValues: { ':to': to, ':from': from },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stripUndefined(recordSchema.parse(out.Attributes));
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

function stripUndefined(record: z.infer<typeof recordSchema>): PaymentState {
  const { chargeId, ...rest } = record;
  return chargeId === undefined ? rest : { ...rest, chargeId };
}

function authorizeOutcome(record: PaymentState): AuthorizeOutcome {
  switch (record.stage) {
    case 'authorized':
    case 'captured':
      return { status: 'authorized', chargeId: record.chargeId ?? '' };
    case 'declined':
      return { status: 'declined', reason: 'The card was declined (sandbox).' };
    default:
      return { status: 'cancelled' };
  }
}

function cancelOutcome(record: PaymentState): CancelOutcome {
  if (record.stage === 'voided' || record.stage === 'refunded') {
    return { status: record.stage, chargeId: record.chargeId ?? '', amountCents: record.amountCents };
  }
  return { status: 'nothing_taken' };
}
