import { findOrder } from '../src/app/orders/find-order.ts';
import { timelineReply } from '../src/app/orders/replies.ts';
import { viewerIn } from '../src/app/orders/scope.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply } from '../src/chat/reply.ts';
import { yourOrderOption } from './order-choices.ts';

/** /track: the status timeline of one of your orders here (staff: any order of this server); your latest by default. */
export const trackCommand = defineCommand({
  name: 'track',
  description: 'Where is my order? Shows its status timeline and ETA',
  visibility: 'ephemeral',
  options: { order: yourOrderOption },
  async run(ctx, values) {
    const found = await findOrder(ctx.deps.orders, viewerIn(ctx.invoker, ctx.place), values.order);
    return found.ok ? timelineReply(found.value) : errorReply(found.error);
  },
});
