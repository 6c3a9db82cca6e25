import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startLocalOrders } from '../../adapters/local/local-orders.ts';
import { adversarialLines } from '../../bench/tokenizer-inputs.ts';
import { commands, messageHandlers } from '../../commands/index.ts';
import { AwsAccess } from '../../src/app/aws-access.ts';
import { RoutingNotifier } from '../../src/app/route-notifications.ts';
import type { Core } from '../../src/chat/surface.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { aDeps } from '../support/command-context.ts';
import { aProduct, TABLES, testZones } from '../support/order-stack.ts';
import { runCommand } from './support/browser.ts';
import { playgroundInChromium } from './support/playground-in-chromium.ts';

const labels = (page: Page) => page.locator('#suggestions:not([hidden]) li .label').allTextContents();
const hint = (page: Page) => page.locator('#hint').textContent();
/** The page still answers: a frozen tab (the old backtracking regex) never returns from evaluate. */
const answers = (page: Page) => page.evaluate<string>('document.querySelector("#command").value');

// The README's examples typed key by key into the real command box over the real command list. A frozen box
// shows up as a test that never finishes (the generous timeout); nothing here measures time.
describe('the command box with the README examples', { timeout: 180_000 }, () => {
  const e2e = playgroundInChromium(async () => {
    const notifier = new RoutingNotifier(silentLogger);
    const orders = await startLocalOrders({
      tables: TABLES,
      zones: testZones,
      initialCatalog: [aProduct()],
      notifier,
      log: silentLogger,
      maxQuantity: 20,
      preparationMinutes: 15,
      now: () => new Date(),
    });
    const aws = new AwsAccess();
    await aws.check({ probe: async () => 'missing' });
    const core: Core = {
      commands,
      messageHandlers,
      deps: aDeps({ notifier, orders: orders.deps, aws }),
      log: silentLogger,
    };
    return { core, started: (p) => notifier.attach(p.surface.messenger), stop: () => orders.stop() };
  });

  it('types /ask prompt:hello compare:nova-lite,claude-haiku-4-5 and suggests the remaining options', async () => {
    const page = await e2e.openAs('reader');
    const box = page.locator('#command');
    const line = '/ask prompt:hello compare:nova-lite,claude-haiku-4-5';
    await box.pressSequentially(line);
    expect(await answers(page)).toBe(line);
    expect(await hint(page)).toMatch(/^compare: Compare 2-4 models/);
    await box.pressSequentially(' ');
    expect(await labels(page)).toEqual(['model:', 'template:', 'kb:']);
    // Sent, it answers the one no-credentials message (this test has none).
    await box.press('Escape');
    await page.locator('#composer button.send').click();
    const reply = page.locator('.entry.bot.done').last();
    await reply.locator('.reply-error', { hasText: 'This needs AWS credentials' }).waitFor();
    expect(await reply.locator('.hint code').allTextContents()).toContain('AWS_PROFILE');
    expect(await reply.locator('.hint').textContent()).not.toContain('`');
  });

  it('types a URL after prompt: without freezing and keeps it as the prompt', async () => {
    const page = await e2e.openAs('reader');
    const box = page.locator('#command');
    const line = '/ask prompt:https://example.com/a:b?q="x"&r=\\\\n summarize';
    await box.pressSequentially(line);
    expect(await answers(page)).toBe(line);
    expect(await page.locator('#hint').getAttribute('class')).not.toContain('problem');
    await box.pressSequentially(' ');
    expect(await labels(page)).toEqual(['model:', 'template:', 'kb:', 'compare:']);
  });

  it('places the README order, then types /track with its id', async () => {
    const page = await e2e.openAs('reader');
    await runCommand(page, '/order product:margherita quantity:2 address:"1000 Old town 5" payment:tok_ok');
    const placed = page.locator('.entry.bot.done', { hasText: 'Order received' });
    await placed.waitFor({ timeout: 30_000 });
    const id = /ord_[a-z0-9]{16}/.exec((await placed.textContent()) ?? '')?.[0] ?? '';
    expect(id).not.toBe('');
    const box = page.locator('#command');
    await box.pressSequentially(`/track order:${id}`);
    expect(await answers(page)).toBe(`/track order:${id}`);
    expect(await hint(page)).toBe('order: Order id (default: your latest order) (optional)');
  });

  it('says "did you mean address?" for a misspelled option and completes zones', async () => {
    const page = await e2e.openAs('reader');
    const box = page.locator('#command');
    await box.pressSequentially('/order product:margherita quantity:2 adress:');
    await expect.poll(() => hint(page)).toBe('/order has no option adress (did you mean address?).');
    expect(await page.locator('#hint code').allTextContents()).toEqual(['adress', 'address']);
    expect(await page.locator('#hint').getAttribute('class')).toContain('problem');
    expect(await labels(page)).toEqual(['address:']);
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/order product:margherita quantity:2 address:');
    await box.pressSequentially('"12 Main Street, north');
    await expect.poll(() => labels(page)).toEqual(['12 Main Street, northside · North (northside)']);
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/order product:margherita quantity:2 address:"12 Main Street, northside" ');
  });

  it('stays responsive on every 10,000-character adversarial line', async () => {
    const page = await e2e.openAs('reader');
    const box = page.locator('#command');
    for (const { name, line } of adversarialLines()) {
      await box.fill(`/ask ${line}`);
      await box.pressSequentially('x');
      expect(await answers(page), name).toBe(`/ask ${line}x`);
    }
  });
});
