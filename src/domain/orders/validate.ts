import { type AppError, appError, err, ok, type Result } from '../result.ts';
import type { Product, StockedProduct } from './catalog.ts';
import { type DeliveryZone, describeZones, findZone } from './zones.ts';

export interface OrderRequest {
  readonly productId: string;
  readonly quantity: number;
  readonly address: string;
  readonly paymentMethod: string;
  readonly note?: string;
}

export interface ValidOrder {
  readonly product: Product;
  readonly quantity: number;
  readonly address: string;
  readonly zone: DeliveryZone;
  readonly paymentMethod: string;
  readonly note?: string;
}

export interface OrderRules {
  readonly maxQuantity: number;
  readonly zones: readonly DeliveryZone[];
}

const PAYMENT_TOKEN = /^tok_[a-z0-9_]{1,40}$/;

/**
 * Checks a request against the catalog, the stock and the zones; the codes are stable (tests and logs key on them).
 * The stock check answers at once when the product cannot cover the order now; the workflow's reservation stays the
 * authority (two orders racing for the last units both pass here, and one is then turned away by direct message).
 */
export function validateOrder(
  request: OrderRequest,
  product: Product | StockedProduct | undefined,
  rules: OrderRules,
): Result<ValidOrder, AppError> {
  if (!product) {
    return err(
      appError(
        'order.unknown_product',
        `There is no product “${request.productId}”.`,
        'Pick a product from the suggestions.',
      ),
    );
  }
  if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > rules.maxQuantity) {
    return err(
      appError(
        'order.bad_quantity',
        `Quantity must be a whole number from 1 to ${rules.maxQuantity} (got ${request.quantity}).`,
      ),
    );
  }
  if ('stock' in product && product.stock < request.quantity) {
    return err(
      appError(
        'order.out_of_stock',
        product.stock === 0
          ? `${product.name} is sold out.`
          : `Only ${product.stock} ${product.name} left; you asked for ${request.quantity}.`,
        product.stock === 0 ? 'Pick another product, or try again later.' : `Order ${product.stock} or fewer.`,
      ),
    );
  }
  const address = request.address.trim();
  const zone = findZone(rules.zones, address);
  if (!zone) {
    return err(
      appError(
        'order.no_delivery_zone',
        `We do not deliver to “${address}”.`,
        `Include a postal code or place of one of our zones: ${describeZones(rules.zones)}.`,
      ),
    );
  }
  if (!PAYMENT_TOKEN.test(request.paymentMethod)) {
    return err(appError('order.bad_payment_method', `Unknown payment method “${request.paymentMethod}”.`));
  }
  const note = request.note?.trim();
  return ok({
    product,
    quantity: request.quantity,
    address,
    zone,
    paymentMethod: request.paymentMethod,
    ...(note ? { note } : {}),
  });
}
