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

/** Postal prefixes as people read them: `102x` for a three-digit prefix of four-digit codes. */
const prefixLabel = (prefix: string): string =>
  prefix.length < 4 ? `${prefix}${'x'.repeat(4 - prefix.length)}` : prefix;

/** Every zone with its postal codes and places, for error hints: “City centre (`1000`, `1001`, `old town`)”. */
export function describeZones(zones: readonly DeliveryZone[]): string {
  return zones
    .map(
      (zone) =>
        `${zone.name} (${[...zone.postalPrefixes.map(prefixLabel), ...zone.places].map((w) => `\`${w}\``).join(', ')})`,
    )
    .join('; ');
}

export interface AddressSuggestion {
  /** What the picker shows: the address and the zone it is in. */
  readonly label: string;
  /** The address to insert. */
  readonly address: string;
}

const MAX_ADDRESS = 100;

/**
 * Addresses to suggest while one is typed: the typed text when it already names a zone, else the typed text
 * completed with each zone's postal codes and places (the word being typed completed when it starts one).
 */
export function suggestAddresses(zones: readonly DeliveryZone[], typed: string): AddressSuggestion[] {
  const text = typed.trim().slice(0, MAX_ADDRESS);
  const known = text ? findZone(zones, text) : undefined;
  if (known) return [{ label: `${text} · ${known.name}`, address: text }];
  const lastSpace = Math.max(text.lastIndexOf(' '), text.lastIndexOf(','));
  const word = text.slice(lastSpace + 1).toLowerCase();
  const head = withoutTrailingSeparators(text.slice(0, lastSpace + 1));
  const entries = zones.flatMap((zone) => [
    ...zone.postalPrefixes.map((p) => ({ zone, word: p.padEnd(4, '0'), label: prefixLabel(p) })),
    ...zone.places.map((place) => ({ zone, word: place, label: place })),
  ]);
  const completing = word ? entries.filter((e) => e.word.startsWith(word) || e.label.startsWith(word)) : [];
  const join = (start: string, end: string) => (start ? `${start}, ${end}` : end);
  const base = completing.length > 0 ? head : withoutTrailingSeparators(text);
  const chosen = (completing.length > 0 ? completing : entries).map((e) => ({ ...e, base }));
  return chosen
    .map((e) => {
      const address = join(e.base, e.word).slice(0, MAX_ADDRESS);
      return { label: `${address} · ${e.zone.name} (${e.label})`.slice(0, MAX_ADDRESS), address };
    })
    .slice(0, 25);
}

function withoutTrailingSeparators(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === ',')) end--;
  return text.slice(0, end);
}
