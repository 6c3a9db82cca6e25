/**
 * Takes docs/playground.png with the e2e setup: the playground over the real command list with the embedded
 * orders stack (in memory), driven by Debian's Chromium. No AWS needed.
 *
 *   node scripts/screenshot.ts [out.png]
 */
import { startLocalOrders } from '../adapters/local/local-orders.ts';
import { commands, messageHandlers } from '../commands/index.ts';
import { RoutingNotifier } from '../src/app/route-notifications.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { launchChromium, openAs, runCommand } from '../test/e2e/support/browser.ts';
import { startPlayground } from '../test/e2e/support/playground.ts';
import { aDeps } from '../test/support/command-context.ts';
import { aProduct, TABLES, testZones } from '../test/support/order-stack.ts';

const out = process.argv[2] ?? 'docs/playground.png';
const notifier = new RoutingNotifier(silentLogger);
const orders = await startLocalOrders({
  tables: TABLES,
  zones: testZones,
  initialCatalog: [aProduct(), aProduct({ id: 'ramen', name: 'Tonkotsu Ramen', priceCents: 1390 })],
  notifier,
  log: silentLogger,
  demoCourier: { preparing: 300, out_for_delivery: 300, delivered: 300 },
  maxQuantity: 20,
  preparationMinutes: 15,
  now: () => new Date(),
});
const core = { commands, messageHandlers, deps: aDeps({ notifier, orders: orders.deps }), log: silentLogger };
const playground = await startPlayground(core);
notifier.attach(playground.surface.messenger);
const browser = await launchChromium();
try {
  const page = await openAs(browser, playground.url, 'alice');
  await page.setViewportSize({ width: 1100, height: 860 });
  await runCommand(page, '/order product:margherita quantity:2 address:"1000 Old town 5" payment:tok_ok');
  await page
    .locator('.entry.notification', { hasText: /delivered/i })
    .first()
    .waitFor({ timeout: 60_000 });
  await runCommand(page, '/track');
  await page.locator('.entry.bot.done').nth(1).waitFor();
  await page.waitForFunction('!document.querySelector(".toast")', undefined, { timeout: 20_000 });
  await page.locator('#command').pressSequentially('/order product:pi');
  await page.locator('#suggestions li').first().waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await playground.stop();
  await orders.stop();
}
