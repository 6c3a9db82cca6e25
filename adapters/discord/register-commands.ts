import { REST, type RESTPostAPIChatInputApplicationCommandsJSONBody, Routes } from 'discord.js';
import type { Command } from '../../src/chat/command.ts';
import { toDiscordCommands } from './command-builders.ts';

export interface RegisterOptions {
  readonly token: string;
  readonly appId: string;
  /** One guild: visible at once. Absent: global, which Discord may take up to an hour to show. */
  readonly guildId?: string;
  /** Base url of the API, for tests against a loopback server. */
  readonly api?: string;
}

export interface Registered {
  readonly scope: string;
  readonly names: readonly string[];
}

/** Replaces the application's slash commands with ours (a bulk PUT: removed commands disappear too). */
export async function registerCommands(commands: readonly Command[], options: RegisterOptions): Promise<Registered> {
  const body: RESTPostAPIChatInputApplicationCommandsJSONBody[] = toDiscordCommands(
    commands.filter((c) => !c.surfaces || c.surfaces.includes('discord')),
  );
  const rest = new REST({ version: '10', ...(options.api ? { api: options.api } : {}) }).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.appId, options.guildId)
    : Routes.applicationCommands(options.appId);
  const saved = (await rest.put(route, { body })) as readonly { readonly name: string }[];
  return {
    scope: options.guildId ? `guild ${options.guildId}` : 'global (may take up to an hour to appear)',
    names: saved.map((c) => c.name),
  };
}
