import { describe, expect, it } from 'vitest';
import { commands, messageHandlers } from '../../commands/index.ts';
import type { Core } from '../../src/chat/surface.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { benchDeps, fixture } from '../app/bench/bench-support.ts';
import { aDeps } from '../support/command-context.ts';
import { playgroundInChromium } from './support/playground-in-chromium.ts';

// The real /bench (score mode) with the real CSV reader and chart renderer, fed by an upload from Chromium.
describe('bench in the playground', { timeout: 120_000 }, () => {
  const e2e = playgroundInChromium(() => {
    const core: Core = { commands, messageHandlers, deps: aDeps({ bench: benchDeps() }), log: silentLogger };
    return { core };
  });

  it('uploads a CSV and shows the score table, the chart inline and the results file', async () => {
    const page = await e2e.openAs('alice');
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
