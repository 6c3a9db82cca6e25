/**
 * The sandbox gateway's test tokens: what /order offers as payment methods on one machine and in demos. Like
 * Stripe's test cards, `tok_decline` always declines, so /order refuses it at once (`alwaysDeclines`);
 * `tok_insufficient_funds` is declined by the bank only when the payment is tried (the workflow's decline path).
 */
export const TEST_PAYMENT_METHODS = [
  { value: 'tok_ok', label: 'Test card (succeeds)' },
  { value: 'tok_decline', label: 'Test card (always declined)', alwaysDeclines: true },
  { value: 'tok_insufficient_funds', label: 'Test card (declined when charged: insufficient funds)' },
  { value: 'tok_transient', label: 'Test card (fails once, then succeeds)' },
] as const;
