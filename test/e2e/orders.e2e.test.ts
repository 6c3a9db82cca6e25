import { describe, expect, it } from 'vitest';
import { startLocalOrders } from '../../adapters/local/local-orders.ts';
import { commands, messageHandlers } from '../../commands/index.ts';
import { RoutingNotifier } from '../../src/app/route-notifications.ts';
import type { Core } from '../../src/chat/surface.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { aDeps } from '../support/command-context.ts';
import { aProduct, TABLES, testZones } from '../support/order-stack.ts';
import { runCommand } from './support/browser.ts';
import { playgroundInChromium } from './support/playground-in-chromium.ts';

// The real /order and /track over the embedded stack (dynalite + the in-process ASL runner), in Chromium.
describe('orders in the playground', { timeout: 120_000 }, () => {
  const e2e = playgroundInChromium(async () => {
    const notifier = new RoutingNotifier(silentLogger);
    const orders = await startLocalOrders({
      tables: TABLES,
      zones: testZones,
      initialCatalog: [aProduct()],
      notifier,
      log: silentLogger,
      demoCourier: { preparing: 200, out_for_delivery: 200, delivered: 200 },
      maxQuantity: 20,
      preparationMinutes: 15,
      now: () => new Date(),
    });
    const core: Core = { commands, messageHandlers, deps: aDeps({ notifier, orders: orders.deps }), log: silentLogger };
    return {
      core,
      started: (playground) => notifier.attach(playground.surface.messenger),
      stop: () => orders.stop(),
    };
  });

  it('places an order, delivers its notifications live, and hides it from another customer', async () => {
    const alice = await e2e.openAs('alice');
    const bob = await e2e.openAs('bob');
    await runCommand(alice, '/order product:margherita quantity:2 address:"1000 Old town 5" payment:tok_ok');
    const placed = alice.locator('.entry.bot.done', { hasText: 'Order received' });
    await placed.waitFor({ timeout: 30_000 });
    const id = /ord_[a-z0-9]{16}/.exec((await placed.textContent()) ?? '')?.[0];
    expect(id).toBeDefined();
    await alice
      .locator('.entry.notification', { hasText: /delivered/i })
      .first()
      .waitFor({ timeout: 60_000 });
    expect(await alice.locator('.entry.notification').count()).toBeGreaterThanOrEqual(2);

    await runCommand(bob, `/track order:${id}`);
    const answer = bob.locator('.entry.bot.done').last();
    await answer.locator('.reply-error').waitFor({ timeout: 30_000 });
    expect(await bob.locator('.entry.notification').count()).toBe(0);

    await runCommand(alice, `/track order:${id}`);
    await alice
      .locator('.entry.bot.done', { hasText: id ?? 'no id' })
      .last()
      .waitFor({ timeout: 30_000 });
  });
});
