import { formatCents } from '../domain/orders/money.ts';
import type { PaymentState } from '../ports/payment-gateway.ts';
import { CANCELLED_BY_CUSTOMER } from './errors.ts';

/** The part of the order a step works on: what a failure of that step is about, in stable codes. */
type StepArea = 'check' | 'quote' | 'payment' | 'stock' | 'confirmation' | 'kitchen' | 'pickup';

const STEP_AREA: Readonly<Record<string, StepArea>> = {
  Validate: 'check',
  QuoteDelivery: 'quote',
  MarkUndeliverable: 'quote',
  ChargePayment: 'payment',
  MarkDeclined: 'payment',
  ReserveStock: 'stock',
  VoidAuthorization: 'payment',
  MarkUnavailable: 'stock',
  CapturePayment: 'payment',
  ConfirmOrder: 'confirmation',
  MarkPreparing: 'kitchen',
  MarkOutForDelivery: 'pickup',
};

/**
 * Why an order did not go through: one stable code per real cause, carried from the task that failed (or the
 * choice that turned the order away) to the status history and the customer's DM. Each has one sentence that
 * names that cause and no other; a payment that took too long never mentions the courier.
 */
export const CAUSES = {
  'order.out_of_stock': 'Not enough {product} in stock.',
  'order.no_delivery_zone': 'The delivery address is outside our delivery zones.',
  'payment.declined': 'The payment was declined.',
  'order.cancelled_by_customer': 'You cancelled the order.',
  'order.stopped': 'The order was stopped while it was being processed.',
  'courier.timeout': 'No courier update arrived in time.',
  'courier.failed': 'The courier step could not be recorded.',
  'check.timeout': 'The order check step took too long.',
  'check.failed': 'The order check step failed.',
  'quote.timeout': 'The delivery quote step took too long.',
  'quote.failed': 'The delivery quote step failed.',
  'payment.timeout': 'The payment step took too long.',
  'payment.failed': 'The payment step failed.',
  'stock.timeout': 'The stock reservation step took too long.',
  'stock.failed': 'The stock reservation step failed.',
  'confirmation.timeout': 'The confirmation step took too long.',
  'confirmation.failed': 'The confirmation step failed.',
  'kitchen.timeout': 'The kitchen update step took too long.',
  'kitchen.failed': 'The kitchen update step failed.',
  'pickup.timeout': 'The courier pickup step took too long.',
  'pickup.failed': 'The courier pickup step failed.',
  'processing.timeout': 'The processing step took too long.',
  'processing.failed': 'The processing step failed.',
} as const;

export type CauseCode = keyof typeof CAUSES;

export interface FailureInput {
  readonly error?: { readonly Error?: string; readonly Cause?: string };
  readonly failedStep?: string;
}

const TIMEOUTS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

/**
 * Steps that write a status and then wait for the courier's next report in the same state (`advanceAndAwait`):
 * their timeout (and a courier's own `Courier…` failure) is the courier's; any other error is their write's.
 */
const WRITES_THEN_WAITS: ReadonlySet<string> = new Set(['ConfirmOrder', 'MarkPreparing', 'MarkOutForDelivery']);

/** The one real cause of a compensation, from the step that failed and how it failed. */
export function failureCauseCode(input: FailureInput): CauseCode {
  const error = input.error?.Error;
  const step = input.failedStep ?? '';
  if (error === CANCELLED_BY_CUSTOMER) return 'order.cancelled_by_customer';
  const timedOut = TIMEOUTS.has(error ?? '');
  // `Await…`: the wait-only states of definitions before the merge (executions started on them still finish).
  const courierFailed = WRITES_THEN_WAITS.has(step) && (error ?? '').startsWith('Courier');
  if (step.startsWith('Await') || courierFailed) return timedOut ? 'courier.timeout' : 'courier.failed';
  if (WRITES_THEN_WAITS.has(step) && timedOut) return 'courier.timeout';
  if (error === 'AlreadyCompensated') return 'order.stopped';
  const area = STEP_AREA[step] ?? 'processing';
  return `${area}.${timedOut ? 'timeout' : 'failed'}`;
}

/** The cause's sentence for the status reason and the DM. */
export const causeSentence = (code: CauseCode, order: { readonly productName: string }): string =>
  CAUSES[code].replace('{product}', order.productName);

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
