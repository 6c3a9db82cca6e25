import type { CourierStage, Order } from '../../domain/orders/order.ts';
import { STATUS_LABEL } from '../../domain/orders/order.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';
import { findOrder } from './find-order.ts';

/**
 * A courier step reported by staff (/deliver) or the demo courier: completes the task the workflow waits on.
 * The workflow then records the status and notifies the customer. With `space` (staff of one server), only that
 * server's orders: another server's order answers "not found".
 */
export async function advanceDelivery(
  deps: Pick<OrderDeps, 'store' | 'workflow'>,
  input: { readonly orderRef: string; readonly stage: CourierStage; readonly space?: string },
): Promise<Result<Order>> {
  const courier = { user: 'staff:courier' as Order['user'], isStaff: true };
  const viewer = input.space === undefined ? courier : { ...courier, space: input.space };
  const found = await findOrder(deps, viewer, input.orderRef);
  if (!found.ok) return found;
  const order = found.value;
  if (!order.awaiting) {
    return err(
      appError(
        'order.not_waiting',
        `Order \`${order.id}\` is ${STATUS_LABEL[order.status]}: no courier step is pending.`,
      ),
    );
  }
  if (order.awaiting.stage !== input.stage) {
    return err(
      appError(
        'order.wrong_stage',
        `Order \`${order.id}\` waits for “${order.awaiting.stage}”, not “${input.stage}”.`,
        `Steps go preparing → out_for_delivery → delivered.`,
      ),
    );
  }
  const completed = await deps.workflow.completeTask(order.awaiting.token, { stage: input.stage });
  if (!completed) {
    return err(
      appError('order.not_waiting', `Order \`${order.id}\` is not waiting right now.`, 'Try again in a moment.'),
    );
  }
  return ok(order);
}
