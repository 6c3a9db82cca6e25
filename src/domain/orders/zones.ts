import type { Cents } from './money.ts';

export interface DeliveryZone {
  readonly id: string;
  readonly name: string;
  /** Postal codes starting with one of these belong to the zone. */
  readonly postalPrefixes: readonly string[];
  /** Lower-case place names matched as whole words when the address has no known postal code. */
  readonly places: readonly string[];
  readonly feeCents: Cents;
  readonly etaMinutes: number;
}

const POSTAL_CODE = /\b\d{4,6}\b/g;

/** The zone of an address: by postal code first (most specific prefix wins), then by place name. */
export function findZone(zones: readonly DeliveryZone[], address: string): DeliveryZone | undefined {
  const codes = address.match(POSTAL_CODE) ?? [];
  let best: { zone: DeliveryZone; length: number } | undefined;
  for (const code of codes) {
    for (const zone of zones) {
      for (const prefix of zone.postalPrefixes) {
        if (code.startsWith(prefix) && (!best || prefix.length > best.length)) best = { zone, length: prefix.length };
      }
    }
  }
  if (best) return best.zone;
  const words = ` ${address.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return zones.find((zone) => zone.places.some((place) => words.includes(` ${place.toLowerCase()} `)));
}
