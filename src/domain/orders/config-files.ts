import { z } from 'zod';
import type { StockedProduct } from './catalog.ts';
import type { DeliveryZone } from './zones.ts';

const cents = z.number().int().min(0);

const catalogSchema = z.object({
  products: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/, 'product ids are lower-case letters, digits and dashes'),
        name: z.string().min(1),
        priceCents: cents,
        stock: z.number().int().min(0),
      }),
    )
    .min(1),
});

const zonesSchema = z.object({
  zones: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        postalPrefixes: z.array(z.string().regex(/^\d{1,6}$/)).default([]),
        places: z.array(z.string().min(1)).default([]),
        feeCents: cents,
        etaMinutes: z.number().int().min(1),
      }),
    )
    .min(1),
});

function describe(file: string, error: z.ZodError): Error {
  const lines = error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  return new Error(`Invalid ${file}:\n${lines.join('\n')}`);
}

/** config/catalog.json: a bad file is an operator error, reported with the path of each problem. */
export function parseCatalogFile(json: unknown, file = 'catalog file'): StockedProduct[] {
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) throw describe(file, parsed.error);
  return parsed.data.products;
}

export function parseZonesFile(json: unknown, file = 'delivery zones file'): DeliveryZone[] {
  const parsed = zonesSchema.safeParse(json);
  if (!parsed.success) throw describe(file, parsed.error);
  return parsed.data.zones;
}
