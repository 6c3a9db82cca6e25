import type { OrderId } from '../domain/ids.ts';
import type { StockedProduct } from '../domain/orders/catalog.ts';

/** `held`: the order's units are taken from the stock; `released`: given back (or a tombstone); `settled`: sold. */
export type ReservationState = 'held' | 'released' | 'settled';

/** One item per order: the units it holds on one product. */
export interface Reservation {
  readonly order: OrderId;
  readonly productId: string;
  readonly quantity: number;
  readonly state: ReservationState;
}

/**
 * Products with their available stock, and one reservation item per order. Taking units writes the reservation
 * and decrements the product's stock together (conditioned on enough stock) or not at all; reserving or releasing
 * twice for the same order (a replayed step) changes the stock once; stock never goes below zero.
 */
export interface Inventory {
  list(): Promise<StockedProduct[]>;
  get(productId: string): Promise<StockedProduct | undefined>;
  /**
   * `released`: the order's reservation was released before (or a tombstone was left by a release that came
   * first): a late reserve takes nothing.
   */
  reserve(productId: string, order: OrderId, quantity: number): Promise<'reserved' | 'insufficient' | 'released'>;
  /** Gives a held reservation's units back; with no reservation, leaves a tombstone a late reserve respects. */
  release(productId: string, order: OrderId): Promise<void>;
  /** Marks a delivered order's reservation sold (the units stay taken). */
  settle(productId: string, order: OrderId): Promise<void>;
  reservation(order: OrderId): Promise<Reservation | undefined>;
  /** Every reservation (invariant checks, repairs). */
  reservations(): Promise<Reservation[]>;
  /** Adds units; undefined when the product does not exist. */
  restock(productId: string, quantity: number): Promise<StockedProduct | undefined>;
  /** Creates or overwrites a product with its stock (seeding). */
  put(product: StockedProduct): Promise<void>;
}
