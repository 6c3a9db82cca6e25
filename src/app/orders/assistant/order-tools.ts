import { z } from 'zod';
import { ORDER_TEXT_LIMITS } from '../../../domain/orders/limits.ts';
import { formatCents } from '../../../domain/orders/money.ts';
import { ADDRESS_CHANGEABLE, type Order, STATUS_LABEL } from '../../../domain/orders/order.ts';
import type { AppError } from '../../../domain/result.ts';
import type { Tool, ToolCaller, ToolOutcome } from '../../tools.ts';
import { cancelOrder } from '../cancel-order.ts';
import { changeAddress } from '../change-address.ts';
import type { OrderDeps } from '../deps.ts';
import { findOrder, listMyOrders } from '../find-order.ts';

export type OrderToolDeps = Pick<OrderDeps, 'store' | 'zones' | 'workflow'>;

/**
 * The order tools a model may call (the order assistant, both voice engines). Each acts only for the `caller` our
 * code passes: the input names no user, and any user id a model adds is stripped by the schema, never read.
 * Another user's order (or one of another server) answers "not found", exactly like an unknown id, staff or not.
 */
export function orderTools(deps: OrderToolDeps): Tool[] {
  return [listMyOrdersTool(deps), orderStatusTool(deps), changeAddressTool(deps), cancelOrderTool(deps)];
}

/**
 * The tools act for the caller's own orders of the caller's server only, even when the caller is staff (staff use
 * the staff commands).
 */
const self = (caller: ToolCaller) => ({
  user: caller.user,
  isStaff: false,
  ...(caller.space === undefined ? {} : { space: caller.space }),
});

const orderRef = z
  .string()
  .trim()
  .min(1)
  .max(ORDER_TEXT_LIMITS.orderRef)
  .describe('The order id, like ord_ followed by 16 letters or digits.');

const listInput = z.object({
  limit: z.number().int().min(1).max(10).optional().describe('How many of the latest orders (1-10, default 5).'),
});
const statusInput = z.object({ orderId: orderRef.optional().describe('The order id; omit it for the latest order.') });
const changeInput = z.object({
  orderId: orderRef,
  newAddress: z
    .string()
    .trim()
    .min(5)
    .max(ORDER_TEXT_LIMITS.address)
    .describe('The full new delivery address, with postal code or town.'),
});

function listMyOrdersTool(deps: OrderToolDeps): Tool {
  return defineTool(
    'list_my_orders',
    "Lists the user's latest orders, newest first.",
    listInput,
    async (input, caller) => {
      const orders = await listMyOrders(deps, self(caller), input.limit ?? 5);
      return { ok: true, result: { orders: orders.map(summary) } };
    },
  );
}

function orderStatusTool(deps: OrderToolDeps): Tool {
  return defineTool(
    'order_status',
    "One of the user's orders: status, timeline, ETA, address, price. Without an id: the latest order.",
    statusInput,
    async (input, caller) => {
      const found = await findOrder(deps, self(caller), input.orderId);
      return found.ok ? { ok: true, result: details(found.value) } : failed(found.error);
    },
  );
}

function changeAddressTool(deps: OrderToolDeps): Tool {
  return defineTool(
    'change_address',
    "Changes the delivery address of one of the user's orders. Only possible before it is out for delivery, " +
      'and only within the same delivery zone. Ask the user to confirm the exact address first.',
    changeInput,
    async (input, caller) => {
      const changed = await changeAddress(deps, self(caller), { orderRef: input.orderId, address: input.newAddress });
      return changed.ok
        ? { ok: true, result: { changed: true, order: summary(changed.value) } }
        : failed(changed.error);
    },
  );
}

const cancelInput = z.object({ orderId: orderRef.optional().describe('The order id; omit it for the latest order.') });

function cancelOrderTool(deps: OrderToolDeps): Tool {
  return defineTool(
    'cancel_order',
    "Cancels one of the user's orders; only possible before the courier picks it up. The payment is refunded in " +
      'full. Ask the user to confirm which order first, then tell them what happens to the money.',
    cancelInput,
    async (input, caller) => {
      const cancelled = await cancelOrder(deps, self(caller), input.orderId);
      return cancelled.ok
        ? {
            ok: true,
            result: { cancelling: true, order: summary(cancelled.value.order), money: cancelled.value.money },
          }
        : failed(cancelled.error);
    },
  );
}

/** Validates the input with zod, then runs; a bad input is a tool error the model can correct, not an exception. */
function defineTool<S extends z.ZodType>(
  name: string,
  description: string,
  schema: S,
  run: (input: z.infer<S>, caller: ToolCaller) => Promise<ToolOutcome>,
): Tool {
  const { $schema: _dialect, ...inputSchema } = z.toJSONSchema(schema, { io: 'input' });
  return {
    name,
    description,
    inputSchema,
    async run(raw, caller) {
      const parsed = schema.safeParse(raw ?? {});
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
        return { ok: false, error: `Invalid input for ${name}: ${problems.join('; ')}` };
      }
      return run(parsed.data, caller);
    },
  };
}

const failed = (error: AppError): ToolOutcome => ({
  ok: false,
  error: error.hint ? `${error.message} ${error.hint}` : error.message,
});

// What the model sees of an order: never the payment method or the courier's task token.
function summary(order: Order) {
  return {
    orderId: order.id,
    product: order.productName,
    quantity: order.quantity,
    status: order.status,
    statusLabel: STATUS_LABEL[order.status],
    placedAt: order.createdAt,
    eta: order.eta,
    total: formatCents(order.price.totalCents),
  };
}

function details(order: Order) {
  return {
    ...summary(order),
    address: order.address,
    addressChangeable: ADDRESS_CHANGEABLE.includes(order.status),
    price: {
      items: formatCents(order.price.itemsCents),
      delivery: formatCents(order.price.deliveryCents),
      total: formatCents(order.price.totalCents),
    },
    ...(order.note ? { note: order.note } : {}),
    history: order.history.map((h) => ({ status: h.status, at: h.at, ...(h.note ? { note: h.note } : {}) })),
  };
}
