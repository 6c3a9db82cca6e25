/**
 * Takes the playground screenshots in docs/ with the e2e setup: the real command list with the embedded orders
 * stack (in memory), no AWS credentials, driven by Debian's Chromium.
 *   docs/playground.png        1280 px: an order, its notifications, /track and product autocomplete
 *   docs/playground-hints.png  1280 px: a misspelled option ("did you mean address?") and zone suggestions
 *   docs/playground-phone.png  390 px: a long unbroken word in bubbles, a toast clear of the Staff switch and mic
 *   docs/playground-signin.png 390 px: the sign-in a playground with PLAYGROUND_TOKEN asks for
 *
 *   node scripts/screenshot.ts [docs-dir]
 */
import { startLocalOrders } from '../adapters/local/local-orders.ts';
import { commands, messageHandlers } from '../commands/index.ts';
import { AwsAccess } from '../src/app/aws-access.ts';
import { RoutingNotifier } from '../src/app/route-notifications.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { launchChromium, openAs, runCommand } from '../test/e2e/support/browser.ts';
import { startPlayground } from '../test/e2e/support/playground.ts';
import { aDeps } from '../test/support/command-context.ts';
import { aProduct, TABLES, testZones } from '../test/support/order-stack.ts';

const dir = process.argv[2] ?? 'docs';
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
const aws = new AwsAccess();
await aws.check({ probe: async () => 'missing' });
const core = { commands, messageHandlers, deps: aDeps({ notifier, orders: orders.deps, aws }), log: silentLogger };
const playground = await startPlayground(core);
notifier.attach(playground.surface.messenger);
const browser = await launchChromium();
const noToasts = { timeout: 20_000 };
try {
  const page = await openAs(browser, playground.url, 'alice');
  await page.setViewportSize({ width: 1280, height: 860 });
  await runCommand(page, '/order product:margherita quantity:2 address:"1000 Old town 5" payment:tok_ok');
  await page
    .locator('.entry.notification', { hasText: /delivered/i })
    .first()
    .waitFor({ timeout: 60_000 });
  await runCommand(page, '/track');
  await page.locator('.entry.bot.done').nth(1).waitFor();
  await page.waitForFunction('!document.querySelector(".toast")', undefined, noToasts);
  await page.locator('#command').pressSequentially('/order product:pi');
  await page.locator('#suggestions li').first().waitFor();
  await page.screenshot({ path: `${dir}/playground.png` });

  const hints = await openAs(browser, playground.url, 'bob');
  await hints.setViewportSize({ width: 1280, height: 860 });
  await runCommand(hints, '/order product:margherita quantity:0 address:"12 Main Street" payment:tok_ok');
  await hints.locator('.entry.bot.done .reply-error').waitFor();
  await runCommand(hints, '/order product:margherita quantity:2 address:"12 Main Street" payment:tok_ok');
  await hints.locator('.entry.bot.done .reply-error', { hasText: 'We do not deliver' }).waitFor();
  await hints.locator('#command').pressSequentially('/order product:margherita quantity:2 adress:');
  await hints.locator('#hint.problem').waitFor();
  await hints.screenshot({ path: `${dir}/playground-hints.png` });
  await hints.locator('#command').press('Tab');
  await hints.locator('#command').pressSequentially('"12 Main Street, ');
  await hints.locator('#suggestions li').first().waitFor();
  await hints.screenshot({ path: `${dir}/playground-zones.png` });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const mobile = await phone.newPage();
  await mobile.goto(`${playground.url}?name=carol`);
  await mobile.locator('#who').filter({ hasText: 'web:carol' }).waitFor();
  const longWord = `https://example.com/${'averyveryverylongunbrokenpath'.repeat(8)}`;
  await runCommand(mobile, '/order product:margherita quantity:1 address:"1000 Old town 5" payment:tok_ok');
  await mobile.locator('.entry.bot.done', { hasText: 'Order received' }).waitFor({ timeout: 30_000 });
  await mobile.locator('.toast').first().waitFor({ timeout: 30_000 });
  // Free text with a long unbroken word: the bubble wraps it; the answer is the one no-credentials message.
  await mobile.locator('#command').fill(`where is my order? ${longWord}`);
  await mobile.locator('#composer button.send').click();
  await mobile.locator('.entry.bot.done .reply-error').waitFor();
  await mobile.locator('.toast').first().waitFor({ timeout: 30_000 });
  await mobile.screenshot({ path: `${dir}/playground-phone.png` });

  // A shared playground (PLAYGROUND_TOKEN set) asks for the token before anything else.
  const shared = await startPlayground(core, { access: { token: 'screenshot-token-0123456789' } });
  try {
    const door = await phone.newPage();
    await door.goto(`${shared.url}?name=dave`);
    await door.locator('#signin-token').fill('not the token');
    await door.locator('.signin-submit').click();
    await door.locator('#signin-error', { hasText: 'not right' }).waitFor();
    await door.screenshot({ path: `${dir}/playground-signin.png` });
  } finally {
    await shared.stop();
  }
  console.log(`wrote ${dir}/playground{,-hints,-zones,-phone,-signin}.png`);
} finally {
  await browser.close();
  await playground.stop();
  await orders.stop();
}
