import { formatCents } from '../../domain/orders/money.ts';
import { CANCELLABLE, CANCELLED_BY_CUSTOMER, isFinished, type Order, STATUS_LABEL } from '../../domain/orders/order.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';
import { findOrder, type OrderViewer } from './find-order.ts';

export interface CancelAccepted {
  readonly order: Order;
  /** What happens to the money, in the customer's words. */
  readonly money: string;
}

/**
 * Cancels one of the viewer's orders until the courier picks it up: fails the courier step the workflow waits on,
 * whose Catch refunds the payment, releases the stock and records "cancelled" (then a DM confirms it).
 */
export async function cancelOrder(
  deps: Pick<OrderDeps, 'store' | 'workflow'>,
  viewer: OrderViewer,
  orderRef: string | undefined,
): Promise<Result<CancelAccepted>> {
  const found = await findOrder(deps, viewer, orderRef);
  if (!found.ok) return found;
  const order = found.value;
  if (isFinished(order.status) || order.status === 'needs_attention') {
    return err(appError('order.finished', `Order \`${order.id}\` is already ${STATUS_LABEL[order.status]}.`));
  }
  if (order.status === 'received') {
    return err(
      appError(
        'order.processing',
        `Order \`${order.id}\` is still being checked and paid.`,
        'Try again in a few seconds, once it is confirmed.',
      ),
    );
  }
  if (!CANCELLABLE.includes(order.status) || !order.awaiting) {
    return err(
      appError(
        'order.too_late',
        `Order \`${order.id}\` is already ${STATUS_LABEL[order.status]}: it can no longer be cancelled.`,
      ),
    );
  }
  const failed = await deps.workflow.failTask(
    order.awaiting.token,
    CANCELLED_BY_CUSTOMER,
    'Cancelled by the customer.',
  );
  if (!failed) {
    return err(appError('order.busy', `Order \`${order.id}\` is changing right now.`, 'Try again in a moment.'));
  }
  return ok({
    order,
    money: `Your payment of ${formatCents(order.price.totalCents)} will be refunded in full; you will get a message once it is done.`,
  });
}
