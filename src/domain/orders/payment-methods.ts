/** The sandbox gateway's test tokens: what /order offers as payment methods on one machine and in demos. */
export const TEST_PAYMENT_METHODS = [
  { value: 'tok_ok', label: 'Test card (succeeds)' },
  { value: 'tok_decline', label: 'Test card (declined)' },
  { value: 'tok_transient', label: 'Test card (fails once, then succeeds)' },
] as const;
