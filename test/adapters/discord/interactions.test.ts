import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { CANCEL_PREFIX } from '../../../adapters/discord/interaction-reply.ts';
import {
  InteractionHandler,
  type InteractionHandlerOptions,
  uploadLimit,
} from '../../../adapters/discord/interactions.ts';
import { COLORS } from '../../../adapters/discord/render-reply.ts';
import { orderCommand } from '../../../commands/order.ts';
import type { OrderDeps } from '../../../src/app/orders/deps.ts';
import { type Command, defineCommand } from '../../../src/chat/command.ts';
import type { CommandContext } from '../../../src/chat/context.ts';
import { type Reply, text } from '../../../src/chat/reply.ts';
import type { VoiceSurface } from '../../../src/chat/voice-surface.ts';
import { aDeps } from '../../support/command-context.ts';
import { testZones } from '../../support/order-stack.ts';
import { aCore, FakeAutocomplete, FakeButton, FakeChannel, FakeChatInput, FakeUser, memberWithRoles } from './fakes.ts';

/** Role r1 is staff in guild g-1 only. */
const STAFF_G1 = { rolesByGuild: new Map([['g-1', new Set(['r1'])]]), usersByGuild: new Map<string, Set<string>>() };

function setup(commands: readonly Command[], extra: Partial<InteractionHandlerOptions> = {}) {
  const core = aCore(commands);
  const handler = new InteractionHandler({ core, commands, staff: STAFF_G1, editIntervalMs: 20, ...extra });
  return { core, handler };
}

/** A command that hands its context to the test and answers when the test says so. */
function controllable(name = 'job', visibility: 'public' | 'ephemeral' = 'public') {
  let release: (value: string) => void = () => {};
  let seen: (ctx: CommandContext) => void = () => {};
  const started = new Promise<CommandContext>((resolve) => {
    seen = resolve;
  });
  const command = defineCommand({
    name,
    description: 'A test job',
    visibility,
    options: {},
    run: (ctx) => {
      seen(ctx);
      return new Promise((resolve) => {
        release = (value) => resolve(text(value));
      });
    },
  });
  return { command, started, finish: (value: string) => release(value) };
}

describe('InteractionHandler: slash commands', () => {
  it('defers, passes typed options and context, and renders the final reply', async () => {
    let got: { ctx: CommandContext; values: unknown } | undefined;
    const echo = defineCommand({
      name: 'echo',
      description: 'Echo',
      visibility: 'public',
      options: { words: { type: 'string', description: 'w' }, times: { type: 'integer', description: 't' } },
      run: async (ctx, values) => {
        got = { ctx, values };
        return text(values.words.repeat(values.times), { title: 'Echo', footer: `as ${ctx.invoker.displayName}` });
      },
    });
    const { handler } = setup([echo]);
    const channel = new FakeChannel({ id: 'thread-9', thread: true, parentId: 'c-1' });
    const interaction = new FakeChatInput(
      'echo',
      { words: { value: 'ab' }, times: { value: 2 } },
      { channel, member: memberWithRoles({ id: 'r1', name: 'Staff' }) },
    );
    await handler.onChatInput(interaction);

    expect(interaction.defers).toEqual([{}]);
    expect(got?.values).toEqual({ words: 'ab', times: 2 });
    expect(got?.ctx.invoker).toEqual({ user: 'discord:u-alice', displayName: 'alice', isStaff: true, roles: ['r1'] });
    expect(got?.ctx.place).toEqual({
      platform: 'discord',
      spaceId: 'g-1',
      channelId: 'c-1',
      threadKey: 'discord:thread-9',
      isDirect: false,
    });
    expect(got?.ctx.invocationId).toBe(interaction.id);
    expect(got?.ctx.correlationId).toMatch(/^[0-9a-f]{8}$/);
    expect(interaction.edits).toEqual([
      {
        content: '',
        embeds: [{ color: COLORS.text, title: 'Echo', description: 'abab', footer: { text: 'as alice' } }],
        components: [],
      },
    ]);
  });

  it('decides staff by role id or user id per guild: staff in one guild are nobody in another, role names count for nothing', async () => {
    const seen: boolean[] = [];
    const whoami = defineCommand({
      name: 'whoami',
      description: 'Who am I',
      visibility: 'ephemeral',
      options: {},
      run: async (ctx) => {
        seen.push(ctx.invoker.isStaff);
        return text('ok');
      },
    });
    const staff = {
      rolesByGuild: new Map([['g-1', new Set(['r1'])]]),
      usersByGuild: new Map([['g-3', new Set(['u-alice'])]]),
    };
    const { handler } = setup([whoami], { staff });
    const run = async (guildId: string, member = memberWithRoles({ id: 'r1', name: 'Staff' })) => {
      const interaction = new FakeChatInput('whoami', {}, { guildId, member });
      await handler.onChatInput(interaction);
    };
    await run('g-1'); // the staff role of g-1
    await run('g-2'); // the same member and role id in another guild
    await run('g-1', memberWithRoles({ id: 'r9', name: 'Staff' })); // a role merely named Staff
    await run('g-3', memberWithRoles()); // a staff user id in g-3, no roles
    await run('g-1', memberWithRoles()); // that user in g-1 without the role
    expect(seen).toEqual([true, false, false, true, false]);
  });

  it('defers ephemerally and sends ephemeral follow-ups for ephemeral commands', async () => {
    const long = defineCommand({
      name: 'long',
      description: 'Long',
      visibility: 'ephemeral',
      options: {},
      run: async () => text(Array.from({ length: 900 }, (_, i) => `w${i}`).join(' ')),
    });
    const { handler } = setup([long]);
    const interaction = new FakeChatInput('long');
    await handler.onChatInput(interaction);

    expect(interaction.defers).toEqual([{ flags: MessageFlags.Ephemeral }]);
    expect(interaction.edits).toHaveLength(1);
    expect(interaction.edits[0]?.content?.length).toBeLessThanOrEqual(2000);
    expect(interaction.followUps.length).toBeGreaterThanOrEqual(1);
    for (const f of interaction.followUps) {
      expect(f.flags).toBe(MessageFlags.Ephemeral);
      expect(f.content?.length ?? 0).toBeLessThanOrEqual(2000);
    }
  });

  it('coalesces rapid progress into one edit, then shows the final reply', async () => {
    const job = controllable();
    const { handler } = setup([job.command]);
    const interaction = new FakeChatInput('job');
    const done = handler.onChatInput(interaction);
    const ctx = await job.started;
    const edited = interaction.nextEdit();
    for (const word of ['one', 'one two', 'one two three']) ctx.reply.progress(text(word));
    await edited;
    job.finish('final');
    await done;
    expect(interaction.edits.map((e) => e.content)).toEqual(['one two three', 'final']);
  });

  it('shows an unexpected failure as a red embed with the logged reference', async () => {
    const boom = defineCommand({
      name: 'boom',
      description: 'Fails',
      visibility: 'public',
      options: {},
      run: async () => {
        throw new Error('kaput');
      },
    });
    const { core, handler } = setup([boom]);
    const interaction = new FakeChatInput('boom');
    await handler.onChatInput(interaction);

    // Failed before showing any work: the public "thinking…" goes away and only the invoker sees the error.
    expect(interaction.deleted).toBe(1);
    expect(interaction.followUps.at(-1)?.flags).toBe(MessageFlags.Ephemeral);
    const embed = interaction.followUps.at(-1)?.embeds?.[0];
    expect(embed?.color).toBe(COLORS.error);
    const reference = embed?.description?.match(/Reference: `([0-9a-f]{8})`/)?.[1];
    expect(reference).toBeDefined();
    expect(core.log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ correlationId: reference }) }),
    );
  });

  it('turns bad options into the validation message without running the command', async () => {
    let ran = false;
    const strict = defineCommand({
      name: 'strict',
      description: 'Strict',
      visibility: 'public',
      options: { n: { type: 'integer', description: 'n', min: 1, max: 5 } },
      run: async () => {
        ran = true;
        return text('ran');
      },
    });
    const { handler } = setup([strict]);
    const interaction = new FakeChatInput('strict', { n: { value: 9 } });
    await handler.onChatInput(interaction);
    expect(ran).toBe(false);
    // Refused before acknowledging, to the invoker alone, although /strict answers publicly.
    expect(interaction.defers).toEqual([]);
    expect(interaction.replies[0]?.flags).toBe(MessageFlags.Ephemeral);
    expect(interaction.replies[0]?.embeds?.[0]?.description).toContain('`n` must be from 1 to 5; got 9.');
  });

  it('ignores a second delivery of the same interaction id', async () => {
    let runs = 0;
    const once = defineCommand({
      name: 'once',
      description: 'Once',
      visibility: 'public',
      options: {},
      run: async () => text(`run ${++runs}`),
    });
    const { handler } = setup([once]);
    const first = new FakeChatInput('once', {}, {}, 'same-id');
    const again = new FakeChatInput('once', {}, {}, 'same-id');
    await handler.onChatInput(first);
    await handler.onChatInput(again);
    expect(runs).toBe(1);
    expect(again.defers).toEqual([]);
  });

  it('answers an unknown command with a hint to redeploy', async () => {
    const { handler } = setup([]);
    const interaction = new FakeChatInput('gone');
    await handler.onChatInput(interaction);
    expect(interaction.defers).toEqual([]);
    expect(interaction.replies[0]?.flags).toBe(MessageFlags.Ephemeral);
    expect(interaction.replies[0]?.embeds?.[0]?.description).toContain('npm run commands:deploy');
  });

  it('gives the thread key of the reply message, and the guild voice surface', async () => {
    let key: string | undefined;
    let voice: VoiceSurface | undefined;
    const fakeVoice: VoiceSurface = {
      join: async () => ({ ok: true, value: { channelName: 'v' } }),
      leave: async () => ({ ok: true, value: {} }),
    };
    const threaded = defineCommand({
      name: 'threaded',
      description: 'Threaded',
      visibility: 'public',
      options: {},
      run: async (ctx) => {
        key = await ctx.reply.threadKey();
        voice = ctx.voice;
        return text('ok');
      },
    });
    const asked: string[] = [];
    const { handler } = setup([threaded], {
      voiceFor: (guildId, user) => {
        asked.push(`${guildId}/${user}`);
        return fakeVoice;
      },
    });
    await handler.onChatInput(new FakeChatInput('threaded'));
    expect(key).toBe('discord:reply-msg-1');
    expect(voice).toBe(fakeVoice);
    expect(asked).toEqual(['g-1/u-alice']);
  });

  it('moves edits to a channel message once the interaction token is about to expire', async () => {
    let now = 0;
    const job = controllable();
    const { handler } = setup([job.command], { now: () => now, tokenLifetimeMs: 14 * 60_000 });
    const channel = new FakeChannel({ id: 'c-7' });
    const interaction = new FakeChatInput('job', {}, { channel });
    const done = handler.onChatInput(interaction);
    const ctx = await job.started;
    const edited = interaction.nextEdit();
    ctx.reply.progress(text('working'));
    await edited;
    now = 15 * 60_000;
    job.finish(Array.from({ length: 700 }, (_, i) => `w${i}`).join(' '));
    await done;
    // The original is closed (no progress, no Cancel) before the answer moves to channel messages.
    expect(interaction.edits).toHaveLength(2);
    expect(interaction.edits[1]).toEqual({ content: 'Continued in a new message below.', embeds: [], components: [] });
    expect(channel.sent.length).toBeGreaterThanOrEqual(2);
    // The one ping the bot means: the invoker, told that the answer continues in a new message.
    expect(channel.sent[0]?.payload).toEqual({
      content: '<@u-alice> your answer continues here.',
      allowedMentions: { parse: [], users: ['u-alice'] },
    });
    expect(channel.sent[1]?.payload.content).toMatch(/^w0 w1/);
    expect(channel.sent[1]?.payload.allowedMentions).toBeUndefined();
  });
});

describe('InteractionHandler: expired token, ephemeral', () => {
  it('sends the late answer of an ephemeral command by DM, never to the channel', async () => {
    let now = 0;
    const job = controllable('secret', 'ephemeral');
    const { handler } = setup([job.command], { now: () => now });
    const channel = new FakeChannel({ id: 'c-8' });
    const interaction = new FakeChatInput('secret', {}, { channel });
    const done = handler.onChatInput(interaction);
    await job.started;
    now = 20 * 60_000;
    job.finish('your private result');
    await done;
    expect(interaction.edits).toEqual([{ content: 'Continued in your direct messages.', embeds: [], components: [] }]);
    expect(channel.sent).toEqual([]);
    expect(interaction.user.dms).toEqual([{ content: 'your private result', components: [] }]);
  });
});

describe('InteractionHandler: Cancel button', () => {
  it('shows Cancel while cancellable; only the invoker can press it, which aborts the command', async () => {
    const job = controllable();
    const { handler } = setup([job.command]);
    const interaction = new FakeChatInput('job');
    const done = handler.onChatInput(interaction);
    const ctx = await job.started;
    const edited = interaction.nextEdit();
    ctx.reply.progress(text('step 1'), { cancellable: true });
    await edited;
    const button = interaction.edits[0]?.components?.[0]?.components[0];
    expect(button).toMatchObject({ label: 'Cancel', custom_id: `${CANCEL_PREFIX}${interaction.id}` });

    const stranger = new FakeButton(`${CANCEL_PREFIX}${interaction.id}`, { user: new FakeUser('u-bob') });
    await handler.onButton(stranger);
    expect(stranger.replies[0]).toMatchObject({ flags: MessageFlags.Ephemeral });
    expect(ctx.signal.aborted).toBe(false);

    const owner = new FakeButton(`${CANCEL_PREFIX}${interaction.id}`);
    await handler.onButton(owner);
    expect(ctx.signal.aborted).toBe(true);
    expect(owner.updates).toEqual([{ components: [] }]);

    job.finish('stopped');
    await done;
    expect(interaction.edits.at(-1)).toMatchObject({ content: 'stopped', components: [] });

    const late = new FakeButton(`${CANCEL_PREFIX}${interaction.id}`);
    await handler.onButton(late);
    expect(late.replies[0]?.content).toMatch(/already finished/);
  });
});

describe('InteractionHandler: autocomplete', () => {
  const pick = (fn: (q: string) => readonly { name: string; value: string }[]) =>
    defineCommand({
      name: 'pick',
      description: 'Pick',
      visibility: 'public',
      options: { model: { type: 'string', description: 'm', autocomplete: (q) => fn(q) } },
      run: async () => text('ok'),
    });

  it('answers with at most 25 choices for the focused value', async () => {
    const queries: string[] = [];
    const { handler } = setup([
      pick((q) => {
        queries.push(q);
        return Array.from({ length: 40 }, (_, i) => ({ name: `${q}-${i}`, value: `v${i}` }));
      }),
    ]);
    const interaction = new FakeAutocomplete('pick', { name: 'model', value: 'nov' });
    await handler.onAutocomplete(interaction);
    expect(queries).toEqual(['nov']);
    expect(interaction.responses[0]).toHaveLength(25);
    expect(interaction.responses[0]?.[0]).toEqual({ name: 'nov-0', value: 'v0' });
  });

  it("suggests /order's addresses from the zones in the app's deps", async () => {
    const zones = testZones;
    const core = aCore([orderCommand], { deps: aDeps({ orders: { zones } as Partial<OrderDeps> as OrderDeps }) });
    const handler = new InteractionHandler({ core, commands: [orderCommand], staff: STAFF_G1, editIntervalMs: 20 });
    const interaction = new FakeAutocomplete('order', { name: 'address', value: '12 Main Street, river' });
    await handler.onAutocomplete(interaction);
    expect(interaction.responses).toEqual([
      [{ name: '12 Main Street, riverside · South (riverside)', value: '12 Main Street, riverside' }],
    ]);
  });

  it('answers an empty list and logs when the suggestions fail', async () => {
    const { core, handler } = setup([
      pick(() => {
        throw new Error('catalog down');
      }),
    ]);
    const interaction = new FakeAutocomplete('pick', { name: 'model', value: 'x' });
    await handler.onAutocomplete(interaction);
    expect(interaction.responses).toEqual([[]]);
    expect(core.log.lines.some((l) => l.level === 'error' && l.message === 'autocomplete failed')).toBe(true);
  });
});

describe('InteractionHandler: no finished result is lost', () => {
  const kept = { id: 'r-0123456789', until: '2026-12-05T05:00:00.000Z' };
  const withFiles: Reply = {
    kind: 'composite',
    parts: [{ kind: 'text', title: 'Bench', text: 'accuracy 0.91' }],
    files: [{ name: 'results.csv', contentType: 'text/csv', data: new TextEncoder().encode('a,b\n') }],
    kept,
  };
  const fixed = (reply: Reply) =>
    defineCommand({ name: 'bench', description: 'b', visibility: 'public', options: {}, run: async () => reply });

  it('retries a refused reply without its files, saying where the whole result is kept', async () => {
    const { handler } = setup([fixed(withFiles)]);
    const interaction = new FakeChatInput('bench');
    interaction.refuse = (p) => (p.files?.length ?? 0) > 0;
    await handler.onChatInput(interaction);
    const last = interaction.edits.at(-1);
    expect(last?.files).toBeUndefined();
    expect(last?.components).toEqual([]);
    expect(last?.embeds?.[0]?.description).toBe('accuracy 0.91');
    expect(last?.content).toMatch(
      /The files \(results\.csv\) could not be sent here\. It is kept: .*\/result id:r-0123456789/,
    );
  });

  it('falls back to a short notice, then to a DM, and never rejects', async () => {
    const { handler, core } = setup([fixed(withFiles)]);
    const interaction = new FakeChatInput('bench');
    interaction.refuse = (p) => !p.content?.startsWith('⚠️');
    await handler.onChatInput(interaction);
    expect(interaction.edits.at(-1)?.content).toMatch(
      /^⚠️ Discord refused to show the result here\. It is kept: .*r-0123456789/,
    );

    const nowhere = new FakeChatInput('bench');
    nowhere.refuse = () => true;
    await handler.onChatInput(nowhere);
    expect(nowhere.user.dms.at(-1)?.content).toMatch(/r-0123456789/);

    const closed = new FakeChatInput('bench');
    closed.refuse = () => true;
    closed.user.closedDms = true;
    await expect(handler.onChatInput(closed)).resolves.toBeUndefined();
    expect(core.log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ kept: 'r-0123456789' }) }),
    );
  });

  it('sends files within the server upload limit the interaction carries', async () => {
    const big = new TextEncoder().encode(
      `id,v\n${Array.from({ length: 20_000 }, (_, i) => `${i},${(i * 7919) % 10007}-${i}`).join('\n')}\n`,
    );
    const reply: Reply = {
      kind: 'composite',
      parts: [{ kind: 'text', text: 'done' }],
      files: [{ name: 'results.csv', contentType: 'text/csv', data: big }],
    };
    const { handler } = setup([fixed(reply)], { maxUploadBytes: 10 * 1024 * 1024 });
    const interaction = new FakeChatInput('bench');
    interaction.attachmentSizeLimit = 100 * 1024;
    await handler.onChatInput(interaction);
    const sent = [...interaction.edits, ...interaction.followUps].flatMap((p) => p.files ?? []);
    expect(sent.length).toBeGreaterThan(0);
    for (const file of sent) expect(file.attachment.byteLength).toBeLessThanOrEqual(100 * 1024);
  });

  it('takes the server limit, capped by the configured one', () => {
    expect(uploadLimit(undefined, undefined)).toBe(10 * 1024 * 1024);
    expect(uploadLimit(undefined, 100 * 1024 * 1024)).toBe(100 * 1024 * 1024);
    expect(uploadLimit(25 * 1024 * 1024, 100 * 1024 * 1024)).toBe(25 * 1024 * 1024);
    expect(uploadLimit(25 * 1024 * 1024, 10 * 1024 * 1024)).toBe(10 * 1024 * 1024);
  });
});
