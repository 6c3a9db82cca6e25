import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, messageHandlers } from '../../commands/index.ts';
import type { Core } from '../../src/chat/surface.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { benchDeps, fixture } from '../app/bench/bench-support.ts';
import { aDeps } from '../support/command-context.ts';
import { launchChromium, openAs } from './support/browser.ts';
import { type RunningPlayground, startPlayground } from './support/playground.ts';

// The real /bench (score mode) with the real CSV reader and chart renderer, fed by an upload from Chromium.
describe('bench in the playground', { timeout: 120_000 }, () => {
  let browser: Browser;
  let playground: RunningPlayground;

  beforeAll(async () => {
    const core: Core = { commands, messageHandlers, deps: aDeps({ bench: benchDeps() }), log: silentLogger };
    playground = await startPlayground(core);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  it('uploads a CSV and shows the score table, the chart inline and the results file', async () => {
    const page = await openAs(browser, playground.url, 'alice');
    const box = page.locator('#command');
    await box.fill('/bench mode:score');
    await box.dispatchEvent('input');
    await page.locator('#files input[name=file]').setInputFiles(fixture('basic.csv'));
    await box.press('Escape');
    await page.locator('#composer button.send').click();
    const answer = page.locator('.entry.bot.done').last();
    await answer.locator('table').first().waitFor({ timeout: 60_000 });
    expect(await answer.locator('table td').count()).toBeGreaterThan(0);
    const chart = answer.locator('.files img');
    await chart.waitFor();
    await expect.poll(async () => (await chart.boundingBox())?.width ?? 0).toBeGreaterThan(100);
    expect(await answer.locator('a.download').count()).toBeGreaterThanOrEqual(1);
  });
});
