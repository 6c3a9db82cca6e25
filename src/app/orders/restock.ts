import type { StockedProduct } from '../../domain/orders/catalog.ts';
import { checkTextLimits } from '../../domain/orders/limits.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { OrderDeps } from './deps.ts';

export const MAX_RESTOCK = 10_000;

export async function restock(
  deps: Pick<OrderDeps, 'inventory'>,
  input: { readonly productId: string; readonly quantity: number },
): Promise<Result<StockedProduct>> {
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_RESTOCK) {
    return err(appError('order.bad_quantity', `Restock between 1 and ${MAX_RESTOCK} units (got ${input.quantity}).`));
  }
  const bounded = checkTextLimits({ product: input.productId });
  if (!bounded.ok) return bounded;
  const product = await deps.inventory.restock(input.productId.trim().toLowerCase(), input.quantity);
  if (!product) return err(appError('order.unknown_product', `There is no product “${input.productId}”.`));
  return ok(product);
}
