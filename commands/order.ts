import { placeOrder } from '../src/app/orders/place-order.ts';
import { orderPlacedReply } from '../src/app/orders/replies.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';
import { orderIdFor } from '../src/domain/orders/order-id.ts';
import { suggestAddresses } from '../src/domain/orders/zones.ts';
import { paymentChoices, suggestProducts } from './order-choices.ts';

/** /order: places a delivery order; the id derives from the interaction, so a second delivery creates nothing. */
export const orderCommand = defineCommand({
  name: 'order',
  description: 'Order food for delivery',
  visibility: 'ephemeral',
  options: {
    product: {
      type: 'string',
      description: 'What to order',
      maxLength: 80,
      autocomplete: (query) => suggestProducts(query),
    },
    // No min/max here: /order checks 1 to ORDERS_MAX_QUANTITY itself, so 0 and 21 get the same message.
    quantity: { type: 'integer', description: 'How many' },
    address: {
      type: 'string',
      description: 'Delivery address with a postal code or place of a delivery zone',
      minLength: 3,
      maxLength: 200,
      autocomplete: (query, _who, deps) =>
        suggestAddresses(deps.orders.zones, query).map((s) => ({ name: s.label, value: s.address })),
    },
    payment: { type: 'string', description: 'Payment method', choices: paymentChoices },
    note: { type: 'string', description: 'A note for the kitchen or courier', required: false, maxLength: 200 },
  },
  async run(ctx, values) {
    const placed = await placeOrder(ctx.deps.orders, {
      orderId: orderIdFor(ctx.place.platform, ctx.invocationId),
      user: ctx.invoker.user,
      request: {
        productId: values.product,
        quantity: values.quantity,
        address: values.address,
        paymentMethod: values.payment,
        ...(values.note === undefined ? {} : { note: values.note }),
      },
    });
    if (!placed.ok) return errorReply(placed.error);
    return orderPlacedReply(placed.value.order, placed.value.repeated);
  },
});
