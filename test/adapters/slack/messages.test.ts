import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand, type MessageHandler } from '../../../src/chat/command.ts';
import type { Place } from '../../../src/chat/context.ts';
import { text } from '../../../src/chat/reply.ts';
import { blockText, eventBody, type Harness, postSigned, startHarness } from './harness.ts';

const seen: { place: Place; text: string; user: string }[] = [];

/** Answers questions; stays silent in threads it does not know (like a follow-up handler would). */
const handler: MessageHandler = {
  name: 'test',
  async handle(ctx, message) {
    seen.push({ place: ctx.place, text: message, user: `${ctx.invoker.user} ${ctx.invoker.displayName}` });
    if (message.includes('ignore me')) return undefined;
    return text(`answer to ${message} (thread ${await ctx.reply.threadKey()})`);
  },
};

const bench = defineCommand({
  name: 'bench',
  description: 'Reads a file',
  visibility: 'public',
  options: { file: { type: 'attachment', description: 'CSV', extensions: ['csv'] } },
  async run(ctx, { file }) {
    let size = 0;
    for await (const chunk of file.open(ctx.signal)) size += chunk.byteLength;
    return text(`read ${file.name}: ${size} bytes`);
  },
});

const post = (h: Harness, event: object, headers: Record<string, string> = {}) =>
  postSigned(h.eventsUrl, eventBody(event), { contentType: 'application/json', headers });

const threadPosts = (h: Harness, needle: string) =>
  h.fake.waitFor(
    () => h.fake.callsTo('chat.postMessage').find((c) => blockText(c.args).includes(needle)),
    `a post with “${needle}”`,
  );

describe('Slack messages: mentions, DMs, thread replies', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([bench], { handlers: [handler] });
    h.fake.files.set('sheet.csv', Buffer.from('a,b\n1,2\n'));
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    seen.length = 0;
  });

  it('answers a channel mention in a new thread on the mention, without the mention text', async () => {
    const ts = '1700000100.000001';
    await post(h, { type: 'app_mention', user: 'U1', text: '<@UBOT> what is up?', ts, channel: 'C1', event_ts: ts });
    const reply = await threadPosts(h, 'answer to what is up?');
    expect(reply.args.thread_ts).toBe(ts);
    expect(blockText(reply.args)).toContain(`thread slack:C1/${ts}`);
    expect(seen[0]?.place).toMatchObject({ platform: 'slack', spaceId: 'T1', channelId: 'C1', isDirect: false });
    expect(seen[0]?.place.threadKey).toBeUndefined();
    expect(seen[0]?.user).toBe('slack:T1/U1 alice');
  });

  it('routes a reply in a thread with the thread key and answers in that thread', async () => {
    const root = '1700000200.000001';
    await post(h, {
      type: 'message',
      channel_type: 'channel',
      user: 'U1',
      text: 'and a follow-up',
      ts: '1700000200.000009',
      thread_ts: root,
      parent_user_id: 'UBOT',
      channel: 'C1',
      event_ts: '1700000200.000009',
    });
    const reply = await threadPosts(h, 'answer to and a follow-up');
    expect(reply.args.thread_ts).toBe(root);
    expect(seen[0]?.place.threadKey).toBe(`slack:C1/${root}`);
  });

  it('stays silent in a thread no handler knows', async () => {
    const before = h.fake.callsTo('chat.postMessage').length;
    await post(h, {
      type: 'message',
      channel_type: 'channel',
      user: 'U1',
      text: 'please ignore me',
      ts: '1700000300.000009',
      thread_ts: '1700000300.000001',
      parent_user_id: 'UBOT',
      channel: 'C1',
      event_ts: '1700000300.000009',
    });
    await h.fake.waitFor(() => seen.length > 0, 'the handler call');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.callsTo('chat.postMessage').length).toBe(before);
  });

  it('never reads threads on other people’s messages, however the message is worded', async () => {
    const before = h.fake.calls.length;
    await post(h, {
      type: 'message',
      channel_type: 'channel',
      user: 'U2',
      text: 'where is my package? what is the eta of my order?',
      ts: '1700000350.000009',
      thread_ts: '1700000350.000001',
      parent_user_id: 'U1',
      channel: 'C1',
      event_ts: '1700000350.000009',
    });
    // A signed request that Bolt acked, then a moment for any (wrong) work to show up.
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    expect(h.fake.calls.slice(before).map((c) => c.method)).toEqual([]);
  });

  it('answers a direct message at top level, and says something when no handler takes it', async () => {
    const ts = '1700000400.000001';
    await post(h, { type: 'message', channel_type: 'im', user: 'U1', text: 'hi bot', ts, channel: 'D1', event_ts: ts });
    // The handler asks for the thread key, which is the answer's own ts: a placeholder is posted, then edited.
    const answer = await h.fake.waitFor(
      () => h.fake.callsTo('chat.update').find((c) => blockText(c.args).includes('answer to hi bot')),
      'the DM answer',
    );
    const placeholder = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'D1');
    expect(placeholder?.args.thread_ts).toBeUndefined();
    expect(answer.args.channel).toBe('D1');
    expect(blockText(answer.args)).toContain(`thread slack:D1/${String(answer.args.ts)}`);
    expect(seen[0]?.place.isDirect).toBe(true);
    await post(h, {
      type: 'message',
      channel_type: 'im',
      user: 'U1',
      text: 'ignore me',
      ts: '1700000400.000002',
      channel: 'D1',
    });
    await threadPosts(h, 'Type `/help`');
  });

  it('ignores a retry of a delivery already handled, bot messages and channel messages outside threads', async () => {
    const ts = '1700000500.000001';
    const mention = eventBody({ type: 'app_mention', user: 'U1', text: '<@UBOT> retried', ts, channel: 'C1' });
    await postSigned(h.eventsUrl, mention, { contentType: 'application/json' });
    await threadPosts(h, 'answer to retried');
    const retry = await postSigned(h.eventsUrl, mention, {
      contentType: 'application/json',
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await post(h, {
      type: 'message',
      channel_type: 'im',
      bot_id: 'B2',
      user: 'U7',
      text: 'from a bot',
      ts,
      channel: 'D1',
    });
    await post(h, { type: 'message', channel_type: 'channel', user: 'U1', text: 'just chatting', ts, channel: 'C1' });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((s) => s.text)).toEqual(['retried']);
  });

  it('does not answer a mention twice when it also arrives as a thread message', async () => {
    const ts = '1700000600.000009';
    const root = '1700000600.000001';
    const base = { user: 'U1', text: '<@UBOT> once please', ts, thread_ts: root, channel: 'C1', event_ts: ts };
    await post(h, { type: 'message', channel_type: 'channel', parent_user_id: 'UBOT', ...base });
    await post(h, { type: 'app_mention', ...base });
    await threadPosts(h, 'answer to once please');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(1);
  });

  it('runs a file command when a file is posted with a mention naming it', async () => {
    const ts = '1700000700.000001';
    await post(h, {
      type: 'app_mention',
      user: 'U1',
      text: '<@UBOT> bench',
      ts,
      channel: 'C1',
      files: [
        {
          id: 'F9',
          name: 'sheet.csv',
          size: 8,
          mimetype: 'text/csv',
          url_private_download: `${h.fake.url}/files/sheet.csv`,
        },
      ],
    });
    const reply = await threadPosts(h, 'read sheet.csv: 8 bytes');
    expect(reply.args.thread_ts).toBe(ts);
  });
});
