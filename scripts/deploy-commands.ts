/**
 * `npm run commands:deploy`: registers the slash commands with Discord (guild when DISCORD_GUILD_ID is set).
 * Commands belong to the application, not to a shard: run this once per release (a CI step or one machine), never
 * from the bot's processes, so N shards or clusters never re-register them N times (the bulk PUT is rate-limited
 * and a global change takes up to an hour to show).
 */
import { config as loadDotenv } from 'dotenv';
import { registerCommands } from '../adapters/discord/register-commands.ts';
import { commands } from '../commands/index.ts';
import { loadConfig } from '../src/config.ts';

loadDotenv({ quiet: true });

async function main(): Promise<number> {
  const { env } = loadConfig();
  const missing = [
    env.DISCORD_TOKEN ? '' : 'DISCORD_TOKEN (Bot tab, Reset Token)',
    env.DISCORD_APP_ID ? '' : 'DISCORD_APP_ID (General Information, Application ID)',
  ].filter(Boolean);
  if (!env.DISCORD_TOKEN || !env.DISCORD_APP_ID) {
    console.error(
      `Cannot register commands: set ${missing.join(' and ')} in .env (from the Discord Developer Portal).`,
    );
    return 1;
  }
  const done = await registerCommands(commands, {
    token: env.DISCORD_TOKEN,
    appId: env.DISCORD_APP_ID,
    ...(env.DISCORD_GUILD_ID ? { guildId: env.DISCORD_GUILD_ID } : {}),
  });
  console.log(`Registered ${done.names.length} commands, ${done.scope}:`);
  for (const name of done.names) console.log(`  /${name}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`Registering commands failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
