import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. The background-networking flags keep it from calling Google's hosts, which this
 * machine's closed network refuses. Playwright gives every launch a fresh temporary profile (user-data-dir).
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: run \`apt-get install -y chromium fonts-dejavu-core\` (CI does).`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Flags for a microphone without hardware: Chromium's fake device, optionally fed from a WAV file. */
export const fakeMicrophoneArgs = (wavFile?: string): string[] => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  ...(wavFile ? [`--use-file-for-fake-audio-capture=${wavFile}`] : []),
];

/** A tab acting as `name` (a fresh context each, so two tabs are two customers). */
export async function openAs(browser: Browser, url: string, name: string, staff = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  await page.goto(`${url}?name=${encodeURIComponent(name)}&staff=${staff}`);
  await page
    .locator('#who')
    .filter({ hasText: `web:${name}` })
    .waitFor();
  return page;
}

/** Types a command into the command box and sends it. */
export async function runCommand(page: Page, line: string): Promise<void> {
  const box = page.locator('#command');
  await box.fill(line);
  await box.press('Escape');
  await page.locator('#composer button.send').click();
}
