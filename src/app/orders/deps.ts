import type { DeliveryZone } from '../../domain/orders/zones.ts';
import type { Inventory } from '../../ports/inventory.ts';
import type { OrderStore } from '../../ports/order-store.ts';
import type { OrderWorkflow } from '../../ports/order-workflow.ts';

/** A payment method the /order command offers (sandbox test tokens on one machine). */
export interface PaymentMethodChoice {
  readonly value: string;
  readonly label: string;
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
  readonly now: () => Date;
}
