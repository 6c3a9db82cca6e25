import { cancelOrder } from '../src/app/orders/cancel-order.ts';
import { customerIn } from '../src/app/orders/scope.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import { yourOrderOption } from './order-choices.ts';

/** /cancel: cancels one of your orders until the courier picks it up (your latest by default); it is refunded. */
export const cancelCommand = defineCommand({
  name: 'cancel',
  description: 'Cancel your order before the courier picks it up (refunded in full)',
  visibility: 'ephemeral',
  options: { order: yourOrderOption },
  async run(ctx, values) {
    // The caller's own orders only, staff included: staff act on other orders through the staff commands.
    const cancelled = await cancelOrder(ctx.deps.orders, customerIn(ctx.invoker, ctx.place), values.order);
    if (!cancelled.ok) return errorReply(cancelled.error);
    return text(`Order \`${cancelled.value.order.id}\` is being cancelled. ${cancelled.value.money}`, {
      title: 'Cancelling your order',
    });
  },
});
