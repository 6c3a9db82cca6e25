import { describe, expect, it } from 'vitest';
import { commands, messageHandlers } from '../../commands/index.ts';
import { type Core, commandsFor } from '../../src/chat/surface.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { aDeps } from '../support/command-context.ts';
import { runCommand } from './support/browser.ts';
import { playgroundInChromium } from './support/playground-in-chromium.ts';

// The real command list; deps that a command uses without being given fail loudly (see aDeps).
describe('playground in Chromium (real command list)', { timeout: 90_000 }, () => {
  const core: Core = { commands, messageHandlers, deps: aDeps(), log: silentLogger };
  const webCommands = commandsFor(core, 'web').map((c) => c.name);
  const e2e = playgroundInChromium(() => ({ core }));

  it('offers every web command in the command box and lists them in /help', async () => {
    const page = await e2e.openAs('newcomer');
    await page.locator('#command').pressSequentially('/');
    await page.locator('#suggestions li').first().waitFor();
    const suggested = await page.locator('#suggestions li .label').allTextContents();
    expect(suggested).toEqual(webCommands.map((name) => `/${name}`));
    await page.locator('#command').fill('');
    await runCommand(page, '/help');
    const answer = page.locator('.entry.bot.done').last();
    await answer.locator('h3', { hasText: 'Sonicord commands' }).waitFor();
    const shown = (await answer.textContent()) ?? '';
    for (const command of commands.filter((c) => !c.staffOnly && webCommands.includes(c.name))) {
      expect(shown).toContain(`/${command.name}`);
    }
  });
});
