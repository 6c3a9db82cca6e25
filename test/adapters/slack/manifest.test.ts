import { describe, expect, it } from 'vitest';
import { slackManifest } from '../../../scripts/slack-manifest.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';

const ask = defineCommand({
  name: 'ask',
  description: 'Ask a Bedrock model',
  visibility: 'public',
  options: {
    prompt: { type: 'string', description: 'Question' },
    model: { type: 'string', description: 'Model', required: false },
  },
  run: async () => text('x'),
});
const bench = defineCommand({
  name: 'bench',
  description: 'Benchmark a file',
  visibility: 'public',
  options: { file: { type: 'attachment', description: 'CSV' } },
  run: async () => text('x'),
});
const join = defineCommand({
  name: 'join',
  description: 'Join voice',
  visibility: 'public',
  surfaces: ['discord', 'web'],
  options: {},
  run: async () => text('x'),
});

describe('slackManifest', () => {
  it('lists the Slack commands with usage hints, the scopes, events and Socket Mode', () => {
    const manifest = slackManifest([ask, bench, join]);
    expect(manifest.features.slash_commands).toEqual([
      {
        command: '/ask',
        description: 'Ask a Bedrock model',
        usage_hint: 'prompt:<string> [model:<string>]',
        should_escape: false,
      },
      {
        command: '/bench',
        description: 'Benchmark a file',
        usage_hint: '(opens a form to attach the file)',
        should_escape: false,
      },
    ]);
    // By default the bot reads no channel messages: mentions and DMs only.
    expect(manifest.oauth_config.scopes.bot).toEqual([
      'commands',
      'chat:write',
      'im:history',
      'im:write',
      'app_mentions:read',
      'files:read',
      'files:write',
      'users:read',
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention', 'message.im']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.display_information.name).toBe('Sonicord');
  });

  it('points every URL at the request URL in HTTP mode', () => {
    const url = 'https://bot.example.com/slack/events';
    const manifest = slackManifest([ask], { requestUrl: url });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.features.slash_commands[0]).toMatchObject({ url });
    expect(manifest.settings.event_subscriptions).toMatchObject({ request_url: url });
    expect(manifest.settings.interactivity).toMatchObject({ request_url: url });
  });

  it('asks for channel history only when follow-ups without a mention are wanted', () => {
    const manifest = slackManifest([ask], { threadFollowUps: true });
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'groups:history']));
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'app_mention',
      'message.im',
      'message.channels',
      'message.groups',
    ]);
  });
});
