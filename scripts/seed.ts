/**
 * Seeds the catalog with stock from CATALOG_FILE (`npm run seed`). Local mode writes to the embedded dynalite in
 * DATA_DIR (stop the bot first: the data directory has one owner at a time); aws mode to CATALOG_TABLE.
 * Existing products get the file's price and stock; reservations of orders in flight are kept.
 */
import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDynamo } from '../adapters/aws/dynamo-client.ts';
import { DynamoInventory } from '../adapters/aws/dynamo-inventory.ts';
import { ensureOrderTables } from '../adapters/aws/dynamo-tables.ts';
import { startEmbeddedDynamo } from '../adapters/local/embedded-dynalite.ts';
import { loadConfig } from '../src/config.ts';
import { parseCatalogFile } from '../src/domain/orders/config-files.ts';

const { env } = loadConfig();
const products = parseCatalogFile(JSON.parse(readFileSync(env.CATALOG_FILE, 'utf8')), env.CATALOG_FILE);
const tables = { orders: env.ORDERS_TABLE, catalog: env.CATALOG_TABLE, payments: env.PAYMENTS_TABLE };

const local =
  env.ORDERS_MODE === 'local' ? await startEmbeddedDynamo({ path: join(env.DATA_DIR, 'dynalite') }) : undefined;
const endpoint = local?.endpoint ?? env.DYNAMODB_ENDPOINT;
const { client, doc } = makeDynamo({ region: local ? 'local' : env.AWS_REGION, ...(endpoint ? { endpoint } : {}) });
try {
  if (local) await ensureOrderTables(client, tables);
  const inventory = new DynamoInventory(doc, tables.catalog);
  for (const product of products) await inventory.put(product);
  console.log(
    `Seeded ${products.length} products into ${local ? `dynalite (${env.DATA_DIR}/dynalite)` : tables.catalog}:`,
  );
  for (const p of await inventory.list())
    console.log(`  ${p.id.padEnd(14)} ${String(p.stock).padStart(5)} in stock  ${p.name}`);
} finally {
  client.destroy();
  await local?.close();
}
