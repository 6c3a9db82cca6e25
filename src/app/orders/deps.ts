import type { DeliveryZone } from '../../domain/orders/zones.ts';
import type { Inventory } from '../../ports/inventory.ts';
import type { OrderStore } from '../../ports/order-store.ts';
import type { OrderWorkflow } from '../../ports/order-workflow.ts';

/** A payment method the /order command offers (sandbox test tokens on one machine). */
export interface PaymentMethodChoice {
  readonly value: string;
  readonly label: string;
  /** A test card the sandbox always declines (Stripe's `tok_chargeDeclined` kind): refused before any order. */
  readonly alwaysDeclines?: boolean;
}

/** The ports the orders use cases need. */
export interface OrderDeps {
  readonly store: OrderStore;
  readonly inventory: Inventory;
  readonly workflow: OrderWorkflow;
  readonly zones: readonly DeliveryZone[];
  readonly paymentMethods: readonly PaymentMethodChoice[];
  readonly maxQuantity: number;
  /** Added to the zone's delivery time for the ETA. */
  readonly preparationMinutes: number;
  /**
   * A second identical order (same customer, server, product, quantity and address) this soon after the first asks
   * to confirm instead of charging twice (ORDERS_DUPLICATE_WINDOW_SECONDS); absent or 0: never asks.
   */
  readonly repeatWindowMs?: number;
  readonly now: () => Date;
}
