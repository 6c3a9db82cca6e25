import { placeOrder } from '../src/app/orders/place-order.ts';
import { orderPlacedReply } from '../src/app/orders/replies.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';
import { orderIdFor } from '../src/domain/orders/order-id.ts';
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
    quantity: { type: 'integer', description: 'How many', min: 1 },
    address: { type: 'string', description: 'Delivery address with postal code or town', minLength: 3, maxLength: 200 },
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
