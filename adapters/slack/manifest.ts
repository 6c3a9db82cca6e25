import type { Command } from '../../src/chat/command.ts';
import { usage } from '../../src/chat/text-args.ts';
import { hasAttachment } from './modal.ts';

/**
 * What the bot needs by default: slash commands, posting, DMs (reading them and opening them for order notices),
 * mentions, files (the /bench form's downloads, results uploads) and display names. It reads no channel messages.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:history',
  'im:write',
  'app_mentions:read',
  'files:read',
  'files:write',
  'users:read',
] as const;

export const BOT_EVENTS = ['app_mention', 'message.im'] as const;

/**
 * Opt-in (`--thread-follow-ups`): follow-ups in threads on the bot's answers without mentioning it. Slack then
 * delivers every message of the channels the bot is in (public and private); the bot still answers only in its own
 * threads.
 */
export const FOLLOW_UP_SCOPES = ['channels:history', 'groups:history'] as const;
export const FOLLOW_UP_EVENTS = ['message.channels', 'message.groups'] as const;

export interface ManifestOptions {
  readonly name?: string;
  readonly description?: string;
  /** HTTP mode: the public URL of POST /slack/events. Absent: Socket Mode (no public URL needed). */
  readonly requestUrl?: string;
  /** Subscribe to channel messages so people can follow up in the bot's threads without a mention. */
  readonly threadFollowUps?: boolean;
}

/**
 * The Slack app manifest for the commands served on Slack: paste it at api.slack.com/apps ("From a manifest").
 * Generated from the same command list as every surface, so a new command cannot be forgotten here.
 */
export function slackManifest(commands: readonly Command[], options: ManifestOptions = {}) {
  const name = options.name ?? 'Sonicord';
  const url = options.requestUrl ? { url: options.requestUrl } : {};
  const requestUrl = options.requestUrl ? { request_url: options.requestUrl } : {};
  const followUps = options.threadFollowUps === true;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: options.description ?? 'Ask Bedrock models, place and track orders, benchmark files.',
      background_color: '#1d2b3a',
    },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: name, always_online: true },
      slash_commands: commands
        .filter((c) => !c.surfaces || c.surfaces.includes('slack'))
        .map((c) => ({
          command: `/${c.name}`,
          description: c.description.slice(0, 100),
          ...usageHint(c),
          should_escape: false,
          ...url,
        })),
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES, ...(followUps ? FOLLOW_UP_SCOPES : [])] } },
    settings: {
      event_subscriptions: { ...requestUrl, bot_events: [...BOT_EVENTS, ...(followUps ? FOLLOW_UP_EVENTS : [])] },
      interactivity: { is_enabled: true, ...requestUrl },
      org_deploy_enabled: false,
      socket_mode_enabled: options.requestUrl === undefined,
      token_rotation_enabled: false,
    },
  };
}

/** Slack shows the hint after the command name; commands without options get none (Slack refuses ''). */
function usageHint(command: Command): { usage_hint?: string } {
  const hint = usage(command).replace(/^Usage: \/\S+\s*/, '');
  const form = hasAttachment(command) ? '(opens a form to attach the file)' : '';
  const text = [hint, form].filter(Boolean).join(' ').slice(0, 1000);
  return text ? { usage_hint: text } : {};
}
