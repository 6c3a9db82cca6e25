import { readFile } from 'node:fs/promises';
import { type LocalOrders, startLocalOrders } from '../../adapters/local/local-orders.ts';
import type { Env } from '../config.ts';
import { parseCatalogFile, parseZonesFile } from '../domain/orders/config-files.ts';
import type { Logger } from '../ports/logger.ts';
import type { Notifier } from '../ports/notifier.ts';

/**
 * Orders on one machine: the ASL file in-process over embedded dynalite, data under DATA_DIR. (ORDERS_MODE=aws,
 * Step Functions and DynamoDB deployed by infra/, is wired here as well once its adapters land.)
 */
export async function composeOrders(env: Env, notifier: Notifier, log: Logger): Promise<LocalOrders> {
  const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown;
  return startLocalOrders({
    dataDir: env.DATA_DIR,
    tables: { orders: env.ORDERS_TABLE, catalog: env.CATALOG_TABLE, payments: env.PAYMENTS_TABLE },
    zones: parseZonesFile(await readJson(env.DELIVERY_ZONES_FILE), env.DELIVERY_ZONES_FILE),
    initialCatalog: parseCatalogFile(await readJson(env.CATALOG_FILE), env.CATALOG_FILE),
    notifier,
    log,
    ...(env.DEMO_COURIER
      ? {
          demoCourier: {
            preparing: env.DEMO_COURIER_PREPARING_MS,
            out_for_delivery: env.DEMO_COURIER_OUT_FOR_DELIVERY_MS,
            delivered: env.DEMO_COURIER_DELIVERED_MS,
          },
        }
      : {}),
    ...(env.ORDERS_COURIER_TIMEOUT_MS === undefined ? {} : { courierTimeoutMs: env.ORDERS_COURIER_TIMEOUT_MS }),
    maxQuantity: env.ORDERS_MAX_QUANTITY,
    preparationMinutes: env.ORDERS_PREPARATION_MINUTES,
    now: () => new Date(),
  });
}
