import { advanceDelivery } from '../src/app/orders/advance-delivery.ts';
import { orderSpaceOf } from '../src/app/orders/scope.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import { ORDER_TEXT_LIMITS } from '../src/domain/orders/limits.ts';
import { COURIER_STAGES, STATUS_LABEL } from '../src/domain/orders/order.ts';
import { stageChoices } from './order-choices.ts';

/** /deliver (staff): reports a courier step; the workflow records it and notifies the customer. */
export const deliverCommand = defineCommand({
  name: 'deliver',
  description: 'Staff: report a delivery step of an order',
  visibility: 'ephemeral',
  staffOnly: true,
  options: {
    order: { type: 'string', description: 'Order id', maxLength: ORDER_TEXT_LIMITS.orderRef },
    status: { type: 'string', description: 'The step reached', choices: stageChoices },
  },
  async run(ctx, values) {
    const stage = COURIER_STAGES.find((s) => s === values.status);
    if (!stage) {
      return errorReply({
        code: 'order.bad_stage',
        message: `Unknown step “${values.status}”.`,
        hint: `Use one of: ${COURIER_STAGES.join(', ')}.`,
      });
    }
    // This server's orders only: staff of one server never move another server's orders.
    const advanced = await advanceDelivery(ctx.deps.orders, {
      orderRef: values.order,
      stage,
      space: orderSpaceOf(ctx.place),
    });
    if (!advanced.ok) return errorReply(advanced.error);
    return text(`Order \`${advanced.value.id}\` is now ${STATUS_LABEL[stage]}; the customer is notified.`, {
      title: 'Delivery updated',
    });
  },
});
