import type { Cents } from './money.ts';

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: Cents;
}

export interface StockedProduct extends Product {
  readonly stock: number;
}

/** Case-insensitive match on id or name, for autocomplete. */
export function matchProducts<P extends Product>(products: readonly P[], query: string, limit = 25): P[] {
  const q = query.trim().toLowerCase();
  const hits = q === '' ? products : products.filter((p) => p.id.includes(q) || p.name.toLowerCase().includes(q));
  return hits.slice(0, limit);
}
