import type { UserId } from '../../domain/ids.ts';
import { checkTextLimits } from '../../domain/orders/limits.ts';
import type { Order } from '../../domain/orders/order.ts';
import { parseOrderId } from '../../domain/orders/order-id.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';
import { inSpace } from './scope.ts';

/** Who asks, and where: staff see every order of their server, a customer only their own (of this server). */
export interface OrderViewer {
  readonly user: UserId;
  readonly isStaff: boolean;
  /** The server asked from (`orderSpaceOf`); absent: not limited (a direct message with the bot). */
  readonly space?: string;
}

const notFound = (ref: string) =>
  appError(
    'order.not_found',
    `No order \`${ref}\` found.`,
    'Check the id in your order confirmation, or run /track without an id.',
  );

/**
 * An order the viewer may see. Another user's order answers exactly like an unknown id, so ids cannot be probed.
 * Without a reference: the viewer's latest order.
 */
export async function findOrder(
  deps: Pick<OrderDeps, 'store'>,
  viewer: OrderViewer,
  ref: string | undefined,
): Promise<Result<Order>> {
  if (ref === undefined || ref.trim() === '') {
    const [latest] = await deps.store.listByUser(viewer.user, 1, viewer.space);
    return latest ? ok(latest) : err(appError('order.none', 'You have no orders yet.', 'Place one with /order.'));
  }
  const bounded = checkTextLimits({ orderRef: ref });
  if (!bounded.ok) return bounded;
  const id = parseOrderId(ref);
  if (!id) {
    return err(
      appError(
        'order.bad_id',
        `“${ref.trim()}” is not an order id.`,
        'Order ids look like `ord_` followed by 16 letters or digits.',
      ),
    );
  }
  const order = await deps.store.get(id);
  if (!order || !inSpace(order, viewer.space) || (order.user !== viewer.user && !viewer.isStaff)) {
    return err(notFound(id));
  }
  return ok(order);
}

export async function listMyOrders(
  deps: Pick<OrderDeps, 'store'>,
  viewer: Pick<OrderViewer, 'user' | 'space'>,
  limit = 5,
): Promise<Order[]> {
  return deps.store.listByUser(viewer.user, limit, viewer.space);
}
