import { placeOrder } from '../src/app/orders/place-order.ts';
import { askAgainButtons, keepFirst, placeAgain } from '../src/app/orders/repeat-confirmations.ts';
import { orderPlacedReply } from '../src/app/orders/replies.ts';
import { orderSpaceOf } from '../src/app/orders/scope.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import { ORDER_TEXT_LIMITS } from '../src/domain/orders/limits.ts';
import { orderIdFor } from '../src/domain/orders/order-id.ts';
import { suggestAddresses } from '../src/domain/orders/zones.ts';
import { paymentChoices, suggestProducts } from './order-choices.ts';

/** /order: places a delivery order; the id derives from the interaction, so a second delivery creates nothing. */
export const orderCommand = defineCommand({
  name: 'order',
  description: 'Order food for delivery',
  visibility: 'ephemeral',
  // An order belongs to a server (its staff deliver it); a Discord DM has none.
  places: ['server'],
  options: {
    product: {
      type: 'string',
      description: 'What to order',
      maxLength: ORDER_TEXT_LIMITS.product,
      autocomplete: (query) => suggestProducts(query),
    },
    // No min/max here: /order checks 1 to ORDERS_MAX_QUANTITY itself, so 0 and 21 get the same message.
    quantity: { type: 'integer', description: 'How many' },
    address: {
      type: 'string',
      description: 'Delivery address with a postal code or place of a delivery zone',
      minLength: 3,
      maxLength: ORDER_TEXT_LIMITS.address,
      autocomplete: (query, _who, deps) =>
        suggestAddresses(deps.orders.zones, query).map((s) => ({ name: s.label, value: s.address })),
    },
    payment: { type: 'string', description: 'Payment method', choices: paymentChoices },
    note: {
      type: 'string',
      description: 'A note for the kitchen or courier',
      required: false,
      maxLength: ORDER_TEXT_LIMITS.note,
    },
    confirm: {
      type: 'boolean',
      description: 'Yes: place it even though you just placed the same order',
      required: false,
    },
  },
  async run(ctx, values) {
    const request = {
      productId: values.product,
      quantity: values.quantity,
      address: values.address,
      paymentMethod: values.payment,
      ...(values.note === undefined ? {} : { note: values.note }),
    };
    const space = orderSpaceOf(ctx.place);
    const placed = await placeOrder(ctx.deps.orders, {
      orderId: orderIdFor(ctx.place.platform, ctx.invocationId),
      user: ctx.invoker.user,
      space,
      request,
      confirmed: values.confirm === true,
    });
    if (placed.ok) return orderPlacedReply(placed.value.order, placed.value.repeated);
    // Not a failure: a question (a double click, or the same order on purpose?), with its two buttons.
    if (placed.error.code === 'order.confirm_repeat' && placed.error.first) {
      const actions = askAgainButtons(ctx.deps.orders, {
        user: ctx.invoker.user,
        platform: ctx.place.platform,
        space,
        request,
        first: placed.error.first.id,
        firstCreatedAt: placed.error.first.createdAt,
      });
      const body = [placed.error.message, placed.error.hint].filter(Boolean).join('\n');
      return text(body, { title: 'Same order again?', actions });
    }
    return errorReply(placed.error);
  },
  actions: {
    again: (ctx, token) => placeAgain(ctx.deps.orders, ctx.invoker, token),
    keep: (ctx, token) => keepFirst(ctx.deps.orders, ctx.invoker, token),
  },
});
