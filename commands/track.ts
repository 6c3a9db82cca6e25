import { findOrder } from '../src/app/orders/find-order.ts';
import { timelineReply } from '../src/app/orders/replies.ts';
import { viewerIn } from '../src/app/orders/scope.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';
import { ORDER_TEXT_LIMITS } from '../src/domain/orders/limits.ts';

/** /track: the status timeline of one of your orders here (staff: any order of this server); your latest by default. */
export const trackCommand = defineCommand({
  name: 'track',
  description: 'Where is my order? Shows its status timeline and ETA',
  visibility: 'ephemeral',
  options: {
    order: {
      type: 'string',
      description: 'Order id (default: your latest order)',
      required: false,
      maxLength: ORDER_TEXT_LIMITS.orderRef,
    },
  },
  async run(ctx, values) {
    const found = await findOrder(ctx.deps.orders, viewerIn(ctx.invoker, ctx.place), values.order);
    return found.ok ? timelineReply(found.value) : errorReply(found.error);
  },
});
