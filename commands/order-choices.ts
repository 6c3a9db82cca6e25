import shippedCatalog from '../config/catalog.json' with { type: 'json' };
import type { Choice } from '../src/chat/options.ts';
import { matchProducts } from '../src/domain/orders/catalog.ts';
import { ORDER_TEXT_LIMITS } from '../src/domain/orders/limits.ts';
import { TEST_PAYMENT_METHODS } from '../src/domain/orders/payment-methods.ts';

/**
 * Option specs are static (registered ahead of time), so product suggestions come from the shipped catalog;
 * /order checks the live inventory and says so when a product is unknown.
 */
const products = shippedCatalog.products.map((p) => ({ id: p.id, name: p.name, priceCents: p.priceCents }));

export function suggestProducts(query: string): readonly Choice[] {
  return matchProducts(products, query).map((p) => ({
    name: `${p.name} (${(p.priceCents / 100).toFixed(2)})`,
    value: p.id,
  }));
}

export const paymentChoices: readonly Choice[] = TEST_PAYMENT_METHODS.map((m) => ({ name: m.label, value: m.value }));

export const stageChoices: readonly Choice[] = [
  { name: 'Preparing', value: 'preparing' },
  { name: 'Out for delivery', value: 'out_for_delivery' },
  { name: 'Delivered', value: 'delivered' },
];

/** The optional `order` option of /track and /cancel: one of the caller's orders, their latest when left out. */
export const yourOrderOption = {
  type: 'string',
  description: 'Order id (default: your latest order)',
  required: false,
  maxLength: ORDER_TEXT_LIMITS.orderRef,
} as const;
