/**
 * Prints the Slack app manifest (JSON, which Slack's "From a manifest" dialog accepts) for every command.
 *   npm run slack:manifest                     Socket Mode (default)
 *   npm run slack:manifest -- --request-url=https://bot.example.com/slack/events   HTTP mode
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
  });
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
}
