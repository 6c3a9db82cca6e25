import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { PlaygroundOptions } from '../../../adapters/web/playground-surface.ts';
import type { Core } from '../../../src/chat/surface.ts';
import { launchChromium, openAs } from './browser.ts';
import { type RunningPlayground, startPlayground } from './playground.ts';

/** What one e2e file runs the playground over; `setup` may start services of its own and hand back their stop. */
export interface PlaygroundSetup {
  readonly core: Core;
  readonly options?: Omit<PlaygroundOptions, 'core' | 'port'>;
  readonly chromiumArgs?: readonly string[];
  /** Runs once the playground listens, before the browser starts: e.g. attach its messenger to a notifier. */
  readonly started?: (playground: RunningPlayground) => void;
  /** Stops what `setup` started, after the browser and the playground. */
  readonly stop?: () => Promise<void>;
}

export interface PlaygroundInChromium {
  /** A fresh tab on the playground acting as `name` (see `openAs`); only inside tests, once beforeAll has run. */
  openAs(name: string, staff?: boolean): Promise<Page>;
}

/**
 * For a `describe` block: beforeAll runs `setup`, starts the playground over it and a headless Chromium (60 s:
 * a loaded 2-core machine); afterAll closes the browser, the playground, then what `setup` started.
 */
export function playgroundInChromium(setup: () => PlaygroundSetup | Promise<PlaygroundSetup>): PlaygroundInChromium {
  let browser: Browser | undefined;
  let playground: RunningPlayground | undefined;
  let stopSetup: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const given = await setup();
    stopSetup = given.stop;
    playground = await startPlayground(given.core, given.options);
    given.started?.(playground);
    browser = await launchChromium(given.chromiumArgs);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await stopSetup?.();
  });

  return {
    openAs(name, staff = false) {
      if (!browser || !playground) throw new Error('playgroundInChromium: open tabs inside a test, after beforeAll');
      return openAs(browser, playground.url, name, staff);
    },
  };
}
