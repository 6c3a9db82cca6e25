import { type PlaygroundOptions, PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import type { Core } from '../../../src/chat/surface.ts';

export interface RunningPlayground {
  readonly surface: PlaygroundSurface;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the playground on a free loopback port over any Core: the fake commands today, the real command
 * list from commands/index.ts with the app's deps once main.ts builds them.
 */
export async function startPlayground(
  core: Core,
  options: Omit<PlaygroundOptions, 'core' | 'port'> = {},
): Promise<RunningPlayground> {
  const surface = new PlaygroundSurface({ editIntervalMs: 100, ...options, core, port: 0 });
  await surface.start();
  return { surface, url: surface.url, stop: () => surface.stop() };
}
