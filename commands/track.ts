import { findOrder } from '../src/app/orders/find-order.ts';
import { timelineReply } from '../src/app/orders/replies.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';

/** /track: the status timeline of one of your orders (staff: any order); your latest by default. */
export const trackCommand = defineCommand({
  name: 'track',
  description: 'Where is my order? Shows its status timeline and ETA',
  visibility: 'ephemeral',
  options: {
    order: { type: 'string', description: 'Order id (default: your latest order)', required: false, maxLength: 40 },
  },
  async run(ctx, values) {
    const found = await findOrder(ctx.deps.orders, ctx.invoker, values.order);
    return found.ok ? timelineReply(found.value) : errorReply(found.error);
  },
});
