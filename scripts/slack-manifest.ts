/**
 * Prints the Slack app manifest (JSON, which Slack's "From a manifest" dialog accepts) for every command.
 *   npm run slack:manifest                     Socket Mode (default)
 *   npm run slack:manifest -- --request-url=https://bot.example.com/slack/events   HTTP mode
 *   npm run slack:manifest -- --thread-follow-ups   also follow-ups without a mention in the bot's threads
 *                                                   (adds channels:history, groups:history and their events)
 */
import { slackManifest } from '../adapters/slack/manifest.ts';
import { commands } from '../commands/index.ts';

export { slackManifest };

if (import.meta.main) {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) || undefined;
  const requestUrl = arg('request-url');
  const name = arg('name');
  const manifest = slackManifest(commands, {
    ...(requestUrl ? { requestUrl } : {}),
    ...(name ? { name } : {}),
    threadFollowUps: process.argv.includes('--thread-follow-ups'),
  });
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
}
