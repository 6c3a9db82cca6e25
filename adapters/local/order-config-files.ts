import { readFileSync } from 'node:fs';
import type { StockedProduct } from '../../src/domain/orders/catalog.ts';
import { parseCatalogFile, parseZonesFile } from '../../src/domain/orders/config-files.ts';
import type { DeliveryZone } from '../../src/domain/orders/zones.ts';

/** Reads CATALOG_FILE and DELIVERY_ZONES_FILE; throws naming the file and each problem (the bot cannot start). */
export function loadOrderConfigFiles(
  catalogFile: string,
  zonesFile: string,
): {
  readonly catalog: StockedProduct[];
  readonly zones: DeliveryZone[];
} {
  return {
    catalog: parseCatalogFile(readJson(catalogFile), catalogFile),
    zones: parseZonesFile(readJson(zonesFile), zonesFile),
  };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
