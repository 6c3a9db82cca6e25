import { describe, expect, it } from 'vitest';
import { text } from '../../src/chat/reply.ts';
import { userId } from '../../src/domain/ids.ts';
import { fakeCore } from '../adapters/web/fake-commands.ts';
import { fakeMicrophoneArgs, runCommand } from './support/browser.ts';
import { echoVoice } from './support/fake-voice.ts';
import { playgroundInChromium } from './support/playground-in-chromium.ts';

// A real browser on a loaded 2-core machine: generous time per test, no timing assertions.
describe('playground in Chromium (fake commands)', { timeout: 90_000 }, () => {
  const fake = fakeCore();
  const voice = echoVoice();
  const e2e = playgroundInChromium(() => ({
    core: fake.core,
    options: { voice: voice.hook },
    started: (playground) => fake.notifier.attach(playground.surface.messenger),
    chromiumArgs: fakeMicrophoneArgs(),
  }));

  it('completes a command from the suggestions and shows the answer', async () => {
    const page = await e2e.openAs('alice');
    const box = page.locator('#command');
    await box.pressSequentially('/ec');
    await page.locator('#suggestions li', { hasText: '/echo' }).waitFor();
    await box.press('Tab');
    await expect.poll(() => box.inputValue()).toBe('/echo ');
    await box.pressSequentially('hello world');
    await box.press('Enter');
    const answer = page.locator('.entry.bot.done').last();
    // The echo answers in markdown: **bold** becomes <strong>.
    await answer.locator('strong', { hasText: 'hello world' }).waitFor();
    expect(await answer.textContent()).toContain('alice said hello world');
  });

  it('continues the conversation from the reply box under an answer', async () => {
    const page = await e2e.openAs('alice');
    await runCommand(page, '/echo start');
    const first = page.locator('.entry.bot.done').last();
    const reply = first.locator('form.thread input');
    await reply.fill('and then?');
    await reply.press('Enter');
    await page.locator('.entry.bot.done', { hasText: /in web:[\w-]+: and then\?/ }).waitFor();
  });

  it('streams progress, then renders the table', async () => {
    const page = await e2e.openAs('alice');
    await runCommand(page, '/stream rows:3');
    await page.locator('.entry.bot.streaming').waitFor();
    const table = page.locator('.entry.bot.done table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(await table.locator('th').allInnerTexts()).toEqual(['model', 'accuracy']);
  });

  it('suggests option values from choices and from the server', async () => {
    const page = await e2e.openAs('alice');
    const box = page.locator('#command');
    await box.pressSequentially('/pick fruit:ba');
    await page.locator('#suggestions li', { hasText: 'Banana' }).waitFor();
    await box.press('Tab');
    await expect.poll(() => box.inputValue()).toBe('/pick fruit:banana ');
    await box.pressSequentially('city:pr');
    await page.locator('#suggestions li', { hasText: 'Prague (for alice)' }).waitFor();
  });

  it('shows errors with their hint', async () => {
    const page = await e2e.openAs('alice');
    await runCommand(page, '/restock');
    const error = page.locator('.entry.bot.done .reply-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('auth.staff_only');
  });

  it('uploads a file for an attachment option and offers the result file', async () => {
    const page = await e2e.openAs('alice');
    await page.locator('#command').fill('/count ');
    await page.locator('#command').dispatchEvent('input');
    await page.locator('#files input[type=file]').setInputFiles({
      name: 'scores.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('a,b\n1,2\n'),
    });
    await page.locator('#composer button.send').click();
    const answer = page.locator('.entry.bot.done').last();
    await answer.getByText('scores.csv: 8 bytes, 2 lines').waitFor();
    expect(await answer.locator('a.download').getAttribute('download')).toBe('copy.txt');
  });

  it('treats two tabs as two users and delivers notifications to the right one', async () => {
    const alice = await e2e.openAs('alice');
    const bob = await e2e.openAs('bob');
    await fake.core.deps.notifier.notify(
      userId('web', 'bob'),
      text('Your order ORD-7 was delivered', { title: 'Order update' }),
    );
    await bob.locator('.entry.notification', { hasText: 'ORD-7' }).waitFor();
    await runCommand(alice, '/echo ping');
    await alice.locator('.entry.bot.done', { hasText: 'alice said ping' }).waitFor();
    expect(await alice.locator('.entry.notification').count()).toBe(0);
  });

  it('streams the microphone and plays the answer', async () => {
    const page = await e2e.openAs('alice');
    await page.locator('#mic').click();
    await page.locator('.entry.voice', { hasText: 'Bot: hello human' }).waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('body').getAttribute('data-voice-played-ms').then(Number))
      .toBeGreaterThan(400);
    expect(voice.framesHeard()).toBeGreaterThanOrEqual(25);
    await page.locator('#mic').click();
    await expect.poll(() => page.locator('#mic').getAttribute('data-state')).toBe('off');
  });
});
