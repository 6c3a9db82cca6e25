import { checkTextLimits } from '../../domain/orders/limits.ts';
import { ADDRESS_CHANGEABLE, type Order, STATUS_LABEL } from '../../domain/orders/order.ts';
import { describeZones, findZone } from '../../domain/orders/zones.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';
import { findOrder, type OrderViewer } from './find-order.ts';

/** Changes the delivery address while the order has not left (the store re-checks the status atomically). */
export async function changeAddress(
  deps: Pick<OrderDeps, 'store' | 'zones'>,
  viewer: OrderViewer,
  input: { readonly orderRef: string; readonly address: string },
): Promise<Result<Order>> {
  const bounded = checkTextLimits({ address: input.address });
  if (!bounded.ok) return bounded;
  const found = await findOrder(deps, viewer, input.orderRef);
  if (!found.ok) return found;
  const order = found.value;
  const address = input.address.trim();
  const zone = findZone(deps.zones, address);
  if (!zone) {
    return err(
      appError(
        'order.no_delivery_zone',
        `We do not deliver to “${address}”.`,
        `Include a postal code or place of one of our zones: ${describeZones(deps.zones)}.`,
      ),
    );
  }
  if (zone.id !== order.zoneId) {
    // The delivery fee was charged for the original zone; moving zones would change the price.
    return err(
      appError(
        'order.other_zone',
        `“${address}” is in another delivery zone (${zone.name}).`,
        'Only addresses in the same zone can be changed; cancel and order again otherwise.',
      ),
    );
  }
  const outcome = await deps.store.changeAddress(order.id, { address, zoneId: zone.id }, ADDRESS_CHANGEABLE);
  switch (outcome) {
    case 'changed':
      return ok({ ...order, address });
    case 'not_found':
      return err(appError('order.not_found', `No order \`${order.id}\` found.`));
    case 'too_late': {
      const now = await deps.store.get(order.id);
      const label = now ? STATUS_LABEL[now.status] : 'no longer changeable';
      return err(
        appError('order.too_late', `Order \`${order.id}\` is already ${label}: the address can no longer change.`),
      );
    }
  }
}
