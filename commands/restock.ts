import { MAX_RESTOCK, restock } from '../src/app/orders/restock.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import { ORDER_TEXT_LIMITS } from '../src/domain/orders/limits.ts';
import { suggestProducts } from './order-choices.ts';

/** /restock (staff): adds units of a product. */
export const restockCommand = defineCommand({
  name: 'restock',
  description: 'Staff: add stock to a product',
  visibility: 'ephemeral',
  staffOnly: true,
  options: {
    product: {
      type: 'string',
      description: 'Product',
      maxLength: ORDER_TEXT_LIMITS.product,
      autocomplete: (query) => suggestProducts(query),
    },
    quantity: { type: 'integer', description: 'Units to add', min: 1, max: MAX_RESTOCK },
  },
  async run(ctx, values) {
    const restocked = await restock(ctx.deps.orders, { productId: values.product, quantity: values.quantity });
    if (!restocked.ok) return errorReply(restocked.error);
    const p = restocked.value;
    return text(`**${p.name}**: ${p.stock} in stock.`, { title: 'Restocked' });
  },
});
