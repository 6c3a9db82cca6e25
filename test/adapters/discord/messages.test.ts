import { describe, expect, it } from 'vitest';
import { MessageRouter, stripMention } from '../../../adapters/discord/messages.ts';
import type { MessageHandler } from '../../../src/chat/command.ts';
import type { CommandContext } from '../../../src/chat/context.ts';
import { text } from '../../../src/chat/reply.ts';
import { NO_STAFF } from '../../../src/domain/staff.ts';
import { aCore, FakeChannel, FakeIncoming, FakeUser } from './fakes.ts';

const BOT = 'bot-1';

function setup(answer: (ctx: CommandContext, text: string) => Promise<string | undefined>) {
  const calls: { ctx: CommandContext; text: string }[] = [];
  const handler: MessageHandler = {
    name: 'echo',
    handle: async (ctx, body) => {
      calls.push({ ctx, text: body });
      const out = await answer(ctx, body);
      return out === undefined ? undefined : text(out);
    },
  };
  const core = aCore([], { messageHandlers: [handler] });
  const router = new MessageRouter({ core, staff: NO_STAFF, botUserId: () => BOT, editIntervalMs: 20 });
  return { calls, router, core };
}

describe('MessageRouter', () => {
  it('answers a mention, without the mention, as a reply to the message', async () => {
    const { calls, router } = setup(async (_ctx, body) => `you said ${body}`);
    const message = new FakeIncoming(`<@${BOT}> hello there`, { mentions: [BOT] });
    await router.onMessage(message);
    expect(calls.map((c) => c.text)).toEqual(['hello there']);
    expect(calls[0]?.ctx.place).toEqual({ platform: 'discord', spaceId: 'g-1', channelId: 'c-1', isDirect: false });
    expect(message.replies.map((r) => r.payload)).toEqual([{ content: 'you said hello there' }]);
  });

  it('routes messages in its own threads with the thread key, and DMs as direct', async () => {
    const { calls, router } = setup(async () => undefined);
    const ownThread = new FakeChannel({ id: 't-5', thread: true, parentId: 'c-1', starterAuthor: BOT });
    await router.onMessage(new FakeIncoming('follow-up', { channel: ownThread }));
    await router.onMessage(
      new FakeIncoming('private', { guildId: null, channel: new FakeChannel({ id: 'dm-3', dm: true }) }),
    );
    expect(calls[0]?.ctx.place).toMatchObject({ channelId: 'c-1', threadKey: 'discord:t-5', isDirect: false });
    expect(calls[1]?.ctx.place).toMatchObject({ spaceId: 'dm', threadKey: 'discord:dm-3', isDirect: true });
  });

  it('ignores bots and messages not addressed to the bot', async () => {
    const { calls, router } = setup(async () => 'x');
    await router.onMessage(new FakeIncoming('chatter'));
    await router.onMessage(
      new FakeIncoming(`<@${BOT}> hi`, { mentions: [BOT], user: new FakeUser('b', { bot: true }) }),
    );
    await router.onMessage(new FakeIncoming(`<@${BOT}>`, { mentions: [BOT] }));
    expect(calls).toEqual([]);
  });

  it('edits its own reply for progress, and gives that reply as thread key', async () => {
    let key: string | undefined;
    const { router } = setup(async (ctx) => {
      ctx.reply.progress(text('thinking'));
      key = await ctx.reply.threadKey();
      return 'done';
    });
    const message = new FakeIncoming(`<@!${BOT}> go`, { mentions: [BOT] });
    await router.onMessage(message);
    expect(message.replies).toHaveLength(1);
    const reply = message.replies[0];
    expect(key).toBe(`discord:${reply?.id}`);
    expect(reply?.edits.at(-1)).toEqual({ content: 'done', embeds: [] });
  });

  it('logs instead of rejecting when Discord refuses the reply', async () => {
    const { core, router } = setup(async () => 'answer');
    const message = new FakeIncoming(`<@${BOT}> hi`, { mentions: [BOT] });
    message.reply = async () => Promise.reject(new Error('Missing Permissions'));
    await expect(router.onMessage(message)).resolves.toBeUndefined();
    expect(core.log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'discord message reply failed' }),
    );
  });

  it('speaks only where addressed: not in threads others started, however the message is worded', async () => {
    const { calls, router } = setup(async () => 'x');
    const theirs = new FakeChannel({ id: 't-6', thread: true, parentId: 'c-1', starterAuthor: 'someone' });
    const orphan = new FakeChannel({ id: 't-7', thread: true, parentId: 'c-1' });
    await router.onMessage(new FakeIncoming('where is my package? what is the eta?', { channel: theirs }));
    await router.onMessage(new FakeIncoming('my order address', { channel: theirs }));
    await router.onMessage(new FakeIncoming('where is my order', { channel: orphan }));
    await router.onMessage(new FakeIncoming('where is my order? track it', { channel: new FakeChannel() }));
    expect(calls).toEqual([]);
    // Asked once per thread, then remembered.
    expect(theirs.starterFetches).toBe(1);

    // A mention is an address wherever it is; so is a thread the bot created itself.
    await router.onMessage(new FakeIncoming(`<@${BOT}> where is my order`, { channel: theirs, mentions: [BOT] }));
    const created = new FakeChannel({ id: 't-8', thread: true, parentId: 'c-1', ownerId: BOT });
    await router.onMessage(new FakeIncoming('and now?', { channel: created }));
    expect(calls.map((c) => c.text)).toEqual(['where is my order', 'and now?']);
    expect(created.starterFetches).toBe(0);
  });

  it('without the Message Content intent, unaddressed messages arrive empty and cost no lookup', async () => {
    const { calls, router } = setup(async () => 'x');
    const thread = new FakeChannel({ id: 't-9', thread: true, parentId: 'c-1', starterAuthor: BOT });
    await router.onMessage(new FakeIncoming('', { channel: thread }));
    expect(calls).toEqual([]);
    expect(thread.starterFetches).toBe(0);
  });

  it('retries a refused answer without its files, then as a short notice', async () => {
    const handler: MessageHandler = {
      name: 'files',
      handle: async () => ({
        kind: 'composite',
        parts: [{ kind: 'text', text: 'here it is' }],
        files: [{ name: 'results.csv', contentType: 'text/csv', data: new TextEncoder().encode('a\n') }],
      }),
    };
    const router = new MessageRouter({
      core: aCore([], { messageHandlers: [handler] }),
      staff: NO_STAFF,
      botUserId: () => BOT,
      editIntervalMs: 20,
    });
    const message = new FakeIncoming(`<@${BOT}> results`, { mentions: [BOT] });
    const post = message.reply.bind(message);
    message.reply = async (payload) => {
      if (payload.files?.length) throw new Error('Request entity too large');
      return post(payload);
    };
    await router.onMessage(message);
    expect(message.replies).toHaveLength(1);
    expect(message.replies[0]?.payload.embeds?.[0]?.description).toBe('here it is');
    expect(message.replies[0]?.payload.content).toMatch(/^The files \(results\.csv\) could not be sent here\./);

    const refusing = new FakeIncoming(`<@${BOT}> results`, { mentions: [BOT] });
    const postNotice = refusing.reply.bind(refusing);
    refusing.reply = async (payload) => {
      if (!payload.content?.startsWith('⚠️')) throw new Error('Missing Access');
      return postNotice(payload);
    };
    await router.onMessage(refusing);
    expect(refusing.replies.map((r) => r.payload.content)).toEqual([
      expect.stringMatching(/^⚠️ Discord refused to show the result here\./),
    ]);
  });

  it('strips both mention forms', () => {
    expect(stripMention('<@1> a <@!1> b <@2>', '1')).toBe('a  b <@2>');
  });
});
