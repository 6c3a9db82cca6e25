/**
 * A payment provider, shaped like Stripe's manual-capture PaymentIntents: `authorize` holds the amount on the card
 * (create + confirm with `capture_method: manual`), `capture` takes it, `cancel` gives it back whatever happened
 * (void of an authorization, refund of a capture). Every call is keyed by the order's idempotency key, so a repeated
 * call returns the first outcome, and `cancel` leaves a tombstone: an `authorize` that lands after it (a late,
 * timed-out call still in flight) is refused instead of charging a cancelled order.
 */
export interface PaymentGateway {
  authorize(request: ChargeRequest): Promise<AuthorizeOutcome>;
  capture(idempotencyKey: string): Promise<CaptureOutcome>;
  /** Voids, refunds, or (nothing yet) records the tombstone; idempotent. */
  cancel(idempotencyKey: string): Promise<CancelOutcome>;
  /** What the provider holds for the key (undefined: never seen). */
  lookup(idempotencyKey: string): Promise<PaymentState | undefined>;
}

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly amountCents: number;
  /** A payment token (sandbox: `tok_ok`, `tok_decline`, `tok_transient`). */
  readonly method: string;
  readonly description: string;
}

/**
 * The provider's record for a key. `cancelled`: the key was cancelled before any authorization (the tombstone).
 * `voided`: an authorization released, nothing taken. `refunded`: a capture given back.
 */
export type PaymentStage = 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded' | 'cancelled';

export interface PaymentState {
  readonly idempotencyKey: string;
  readonly stage: PaymentStage;
  readonly chargeId?: string;
  readonly amountCents: number;
}

export type AuthorizeOutcome =
  | { readonly status: 'authorized'; readonly chargeId: string }
  | { readonly status: 'declined'; readonly reason: string }
  /** The key was cancelled (voided, refunded or tombstoned) before this call: nothing is held. */
  | { readonly status: 'cancelled' }
  | { readonly status: 'transient'; readonly reason: string };

export type CaptureOutcome =
  | { readonly status: 'captured'; readonly chargeId: string }
  /** No authorization to capture: never made, declined, or already cancelled. */
  | { readonly status: 'not_capturable'; readonly stage: PaymentStage | 'none' }
  | { readonly status: 'transient'; readonly reason: string };

export type CancelOutcome =
  | { readonly status: 'voided' | 'refunded'; readonly chargeId: string; readonly amountCents: number }
  /** Nothing had been taken (no authorization, a decline, or a tombstone). */
  | { readonly status: 'nothing_taken' }
  | { readonly status: 'transient'; readonly reason: string };
