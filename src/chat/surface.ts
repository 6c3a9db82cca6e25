import type { AppDeps } from '../app/deps.ts';
import type { Platform } from '../domain/ids.ts';
import type { Logger } from '../ports/logger.ts';
import type { Command, MessageHandler } from './command.ts';

/** What every surface adapter (Discord, Slack, playground) receives from the composition root. */
export interface Core {
  readonly commands: readonly Command[];
  readonly messageHandlers: readonly MessageHandler[];
  readonly deps: AppDeps;
  readonly log: Logger;
}

/** A running surface. `stop` closes connections and servers. */
export interface Surface {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const commandsFor = (core: Core, platform: Platform): readonly Command[] =>
  core.commands.filter((c) => !c.surfaces || c.surfaces.includes(platform));
