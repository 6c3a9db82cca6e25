import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackDirectMessenger } from '../../../adapters/slack/direct-messenger.ts';
import { slackFileSource } from '../../../adapters/slack/file-source.ts';
import { text } from '../../../src/chat/reply.ts';
import { FakeSlackApi } from './fake-slack-api.ts';
import { blockText } from './harness.ts';

describe('SlackDirectMessenger and Slack file downloads', () => {
  const fake = new FakeSlackApi();
  let client: WebClient;
  beforeAll(async () => {
    await fake.start();
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    fake.files.set('big.csv', Buffer.alloc(64 * 1024, 'x'));
  });
  afterAll(async () => fake.stop());

  it('opens a DM with the user part of `<team>/<user>` and posts the rendered reply', async () => {
    const messenger = new SlackDirectMessenger(client);
    await expect(messenger.send('T1/U5', { kind: 'text', title: 'Order shipped', text: 'On its way' })).resolves.toBe(
      'sent',
    );
    expect(fake.callsTo('conversations.open').at(-1)?.args.users).toBe('U5');
    const posted = fake.callsTo('chat.postMessage').at(-1);
    expect(posted?.args.channel).toBe('DU5');
    expect(blockText(posted?.args ?? {})).toContain('Order shipped');
  });

  const collect = async (source: ReturnType<typeof slackFileSource>) => {
    let size = 0;
    for await (const chunk of source.open()) size += chunk.byteLength;
    return size;
  };
  const file = (name: string) => ({ name, size: 1, url: `${fake.url}/files/${name}` });
  const access = (botToken: string, maxBytes = 1024 * 1024) => ({
    botToken,
    maxBytes,
    hosts: [new URL(fake.url).host],
  });

  it('streams a file with the bot token', async () => {
    expect(await collect(slackFileSource(file('big.csv'), access(fake.botToken)))).toBe(64 * 1024);
  });

  it('stops a download that grows past the limit, whatever size Slack announced', async () => {
    await expect(collect(slackFileSource(file('big.csv'), access(fake.botToken, 1024)))).rejects.toThrow(/larger than/);
  });

  it('says so when Slack answers with its sign-in page (token without files:read)', async () => {
    await expect(collect(slackFileSource(file('big.csv'), access('xoxb-wrong')))).rejects.toThrow(/files:read/);
  });
});

describe('SlackDirectMessenger when Slack refuses', () => {
  let fake: FakeSlackApi;
  let messenger: SlackDirectMessenger;
  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    messenger = new SlackDirectMessenger(
      new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }),
    );
  });
  afterEach(async () => fake.stop());

  it.each(['user_not_found', 'user_disabled', 'user_not_visible', 'cannot_dm_bot'])(
    'reports `undeliverable` when conversations.open answers %s, and posts nothing',
    async (error) => {
      fake.fail('conversations.open', error);
      await expect(messenger.send('T1/U5', text('Order shipped'))).resolves.toBe('undeliverable');
      expect(fake.callsTo('chat.postMessage')).toEqual([]);
    },
  );

  it.each([
    ['conversations.open', 'service_unavailable'],
    ['conversations.open', 'account_inactive'],
    ['chat.postMessage', 'internal_error'],
    ['chat.postMessage', 'messages_tab_disabled'],
  ])('rejects when %s answers %s (it may work later, or once someone fixes the app)', async (method, error) => {
    fake.fail(method, error);
    await expect(messenger.send('T1/U5', text('Order shipped'))).rejects.toMatchObject({ data: { error } });
  });
});
