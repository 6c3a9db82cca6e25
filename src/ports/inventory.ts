import type { OrderId } from '../domain/ids.ts';
import type { StockedProduct } from '../domain/orders/catalog.ts';

/**
 * Products with their stock. Reservations are recorded per order on the product itself, so reserving or
 * releasing twice for the same order (a replayed step) changes the stock once; stock never goes below zero.
 */
export interface Inventory {
  list(): Promise<StockedProduct[]>;
  get(productId: string): Promise<StockedProduct | undefined>;
  reserve(productId: string, order: OrderId, quantity: number): Promise<'reserved' | 'insufficient'>;
  /** Gives a reservation's units back; no-op when the order holds none. */
  release(productId: string, order: OrderId): Promise<void>;
  /** Forgets a delivered order's reservation (the units stay sold). */
  settle(productId: string, order: OrderId): Promise<void>;
  /** Adds units; undefined when the product does not exist. */
  restock(productId: string, quantity: number): Promise<StockedProduct | undefined>;
  /** Creates or overwrites a product with its stock (seeding). */
  put(product: StockedProduct): Promise<void>;
}
