/** A payment provider. The idempotency key makes a repeated charge or refund return the first outcome. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /** Refunds the charge made with `chargeKey`, if any. */
  refund(chargeKey: string): Promise<RefundOutcome>;
}

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly amountCents: number;
  /** A payment token (sandbox: `tok_ok`, `tok_decline`, `tok_transient`). */
  readonly method: string;
  readonly description: string;
}

export type ChargeOutcome =
  | { readonly status: 'succeeded'; readonly chargeId: string }
  | { readonly status: 'declined'; readonly reason: string }
  | { readonly status: 'transient'; readonly reason: string };

export type RefundOutcome =
  | { readonly status: 'refunded'; readonly chargeId: string }
  | { readonly status: 'no_charge' }
  | { readonly status: 'transient'; readonly reason: string };
