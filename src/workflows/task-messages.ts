import { formatCents } from '../domain/orders/money.ts';
import type { PaymentState } from '../ports/payment-gateway.ts';
import { CANCELLED_BY_CUSTOMER } from './errors.ts';

/** What each step does, in the customer's words (for "the … step failed"). */
const STEP_LABEL: Readonly<Record<string, string>> = {
  Validate: 'order check',
  QuoteDelivery: 'delivery quote',
  MarkUndeliverable: 'delivery quote',
  ChargePayment: 'payment',
  MarkDeclined: 'payment',
  ReserveStock: 'stock reservation',
  VoidAuthorization: 'payment',
  MarkUnavailable: 'stock reservation',
  CapturePayment: 'payment',
  ConfirmOrder: 'confirmation',
  MarkPreparing: 'kitchen update',
  MarkOutForDelivery: 'courier pickup',
};

export interface FailureInput {
  readonly error?: { readonly Error?: string; readonly Cause?: string };
  readonly failedStep?: string;
}

/** The one real cause of a compensation, for the status reason and the DM. */
export function failureCause(input: FailureInput): string {
  const error = input.error?.Error;
  const step = input.failedStep ?? '';
  if (error === CANCELLED_BY_CUSTOMER) return 'You cancelled the order.';
  if (step.startsWith('Await')) {
    return error === 'States.Timeout' || error === 'States.HeartbeatTimeout'
      ? 'No courier update arrived in time.'
      : 'The courier step could not be recorded.';
  }
  if (error === 'AlreadyCompensated') return 'The order was stopped while it was being processed.';
  const label = STEP_LABEL[step] ?? 'processing';
  return error === 'States.Timeout' ? `The ${label} step took too long.` : `The ${label} step failed.`;
}

/** What happened to the money, from the provider's own record. */
export function moneySentence(payment: PaymentState | undefined): string {
  switch (payment?.stage) {
    case 'refunded':
      return `Your payment of ${formatCents(payment.amountCents)} was refunded.`;
    case 'voided':
      return 'The hold on your card was released: nothing was charged.';
    case 'captured':
    case 'authorized':
      return 'Your payment is being returned.';
    default:
      return 'Nothing was charged.';
  }
}
