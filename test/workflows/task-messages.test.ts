import { describe, expect, it } from 'vitest';
import { CAUSES, type CauseCode, causeSentence, failureCauseCode } from '../../src/workflows/task-messages.ts';

const timeout = { Error: 'States.Timeout', Cause: 'took too long' };
const thrown = { Error: 'Error', Cause: 'boom' };

describe('one cause per failed order', () => {
  it.each([
    ['ChargePayment', timeout, 'payment.timeout'],
    ['ChargePayment', thrown, 'payment.failed'],
    ['CapturePayment', timeout, 'payment.timeout'],
    ['ReserveStock', thrown, 'stock.failed'],
    ['QuoteDelivery', timeout, 'quote.timeout'],
    ['Validate', thrown, 'check.failed'],
    ['ConfirmOrder', thrown, 'confirmation.failed'],
    ['MarkPreparing', thrown, 'kitchen.failed'],
    ['MarkOutForDelivery', { Error: 'Transient' }, 'pickup.failed'],
    // The status write and the wait for the next courier report share one state: its timeout is the courier's.
    ['ConfirmOrder', timeout, 'courier.timeout'],
    ['MarkOutForDelivery', timeout, 'courier.timeout'],
    ['MarkPreparing', { Error: 'States.HeartbeatTimeout' }, 'courier.timeout'],
    ['MarkPreparing', { Error: 'CourierGaveUp' }, 'courier.failed'],
    ['ConfirmOrder', { Error: 'CancelledByCustomer' }, 'order.cancelled_by_customer'],
    // Executions started on the definition before the merge (wait-only states).
    ['AwaitPreparing', timeout, 'courier.timeout'],
    ['AwaitDelivered', { Error: 'States.HeartbeatTimeout' }, 'courier.timeout'],
    ['AwaitOutForDelivery', thrown, 'courier.failed'],
    ['AwaitPreparing', { Error: 'CancelledByCustomer' }, 'order.cancelled_by_customer'],
    ['CapturePayment', { Error: 'AlreadyCompensated' }, 'order.stopped'],
    ['SomethingNew', thrown, 'processing.failed'],
  ] as const)('%s failing with %o is %s', (failedStep, error, code) => {
    expect(failureCauseCode({ failedStep, error })).toBe(code);
  });

  it('a payment that took too long never blames the courier', () => {
    const sentence = causeSentence(failureCauseCode({ failedStep: 'ChargePayment', error: timeout }), {
      productName: 'Pizza',
    });
    expect(sentence).toBe('The payment step took too long.');
    expect(sentence).not.toMatch(/courier|deliver/i);
  });

  it('every cause sentence names one cause: no “or”, no parenthesised alternative', () => {
    for (const code of Object.keys(CAUSES) as CauseCode[]) {
      const sentence = causeSentence(code, { productName: 'Pizza' });
      expect(sentence, code).not.toMatch(/\bor\b|\(/);
      expect(sentence, code).toMatch(/^[A-Z].*\.$/);
    }
    expect(causeSentence('order.out_of_stock', { productName: 'Ramen' })).toBe('Not enough Ramen in stock.');
  });
});
