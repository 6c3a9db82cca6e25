/**
 * Errors a task throws for the state machine: Retry and Catch match on `name` (locally `error.name`, in the
 * cloud the Lambda `errorType`, which is the same name).
 */
export class TransientError extends Error {
  override readonly name = 'Transient';
}

export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined';
}

export class OrderMissing extends Error {
  override readonly name = 'OrderMissing';
}

/** The payment or the reservation was cancelled before this step (a compensation ran first): compensate. */
export class AlreadyCompensated extends Error {
  override readonly name = 'AlreadyCompensated';
}

/** The order was delivered: its payment is never refunded by a compensation. */
export class AlreadyDelivered extends Error {
  override readonly name = 'AlreadyDelivered';
}

/** A compensation began before the courier's "delivered" arrived: the order is not delivered, nor its stock settled. */
export class CompensationStarted extends Error {
  override readonly name = 'CompensationStarted';
}

export { CANCELLED_BY_CUSTOMER } from '../domain/orders/order.ts';
