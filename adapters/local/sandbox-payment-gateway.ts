import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChargeOutcome, ChargeRequest, PaymentGateway, RefundOutcome } from '../../src/ports/payment-gateway.ts';
import { isConditionFailure } from '../aws/dynamo-client.ts';

export interface PaymentRecord {
  readonly idempotencyKey: string;
  readonly outcome: 'succeeded' | 'declined';
  readonly chargeId?: string;
  readonly amountCents: number;
  readonly refunded: boolean;
}

/**
 * A payment provider for one-machine mode, with Stripe-like test tokens (`TEST_PAYMENT_METHODS`). Outcomes are stored by idempotency key
 * in a table, so a charge repeated after a restart returns the first outcome and never charges twice.
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

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    // Write first, read only on conflict: one round trip on the common path.
    const attempt = (this.#attempts.get(request.idempotencyKey) ?? 0) + 1;
    this.#attempts.set(request.idempotencyKey, attempt);
    if (request.method === 'tok_transient' && attempt === 1) {
      return { status: 'transient', reason: 'The payment provider timed out (sandbox).' };
    }
    const approved = request.method === 'tok_ok' || request.method === 'tok_transient';
    const record: PaymentRecord = {
      idempotencyKey: request.idempotencyKey,
      outcome: approved ? 'succeeded' : 'declined',
      ...(approved ? { chargeId: `ch_${randomUUID().replaceAll('-', '').slice(0, 20)}` } : {}),
      amountCents: request.amountCents,
      refunded: false,
    };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(idempotencyKey)',
        }),
      );
      this.#attempts.delete(request.idempotencyKey);
      return outcomeOf(record);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const winner = await this.record(request.idempotencyKey);
      if (!winner) throw error;
      return outcomeOf(winner);
    }
  }

  async refund(chargeKey: string): Promise<RefundOutcome> {
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { idempotencyKey: chargeKey },
          UpdateExpression: 'SET refunded = :t',
          ConditionExpression: 'outcome = :ok',
          ExpressionAttributeValues: { ':t': true, ':ok': 'succeeded' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'refunded', chargeId: String(out.Attributes?.chargeId) };
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'no_charge' };
      throw error;
    }
  }

  /** The provider's record for a key (tests and support staff check charges with it). */
  async record(key: string): Promise<PaymentRecord | undefined> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { idempotencyKey: key }, ConsistentRead: true }),
    );
    return out.Item as PaymentRecord | undefined;
  }
}

function outcomeOf(record: PaymentRecord): ChargeOutcome {
  return record.outcome === 'succeeded'
    ? { status: 'succeeded', chargeId: record.chargeId ?? '' }
    : { status: 'declined', reason: 'The card was declined (sandbox).' };
}
