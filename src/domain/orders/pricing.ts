import type { PriceBreakdown } from './order.ts';
import type { DeliveryZone } from './zones.ts';

export function priceOrder(unitPriceCents: number, quantity: number, zone: DeliveryZone): PriceBreakdown {
  const itemsCents = unitPriceCents * quantity;
  return {
    unitPriceCents,
    quantity,
    itemsCents,
    deliveryCents: zone.feeCents,
    totalCents: itemsCents + zone.feeCents,
  };
}

/** ETA = now + the zone's delivery time + a fixed preparation time. */
export function etaFor(now: Date, zone: DeliveryZone, preparationMinutes: number): Date {
  return new Date(now.getTime() + (zone.etaMinutes + preparationMinutes) * 60_000);
}
