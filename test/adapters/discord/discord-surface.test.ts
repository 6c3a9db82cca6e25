import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayIntentBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordSurface } from '../../../adapters/discord/discord-surface.ts';
import { defineCommand, type MessageHandler } from '../../../src/chat/command.ts';
import type { CommandContext } from '../../../src/chat/context.ts';
import { text } from '../../../src/chat/reply.ts';
import { NO_STAFF } from '../../../src/domain/staff.ts';
import { aCore } from './fakes.ts';

/** Role 300 is staff in guild 600 (the guild of every interaction below). */
const STAFF_600 = { rolesByGuild: new Map([['600', new Set(['300'])]]), usersByGuild: new Map() };

/**
 * The real discord.js client, fed gateway payloads through its own dispatch actions and talking REST to a loopback
 * Discord API that records every request. Checks that discord.js' objects behave like the shapes we code against.
 */
interface Request {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

let server: Server;
let api: string;
let requests: Request[];
let waiters: { match: (r: Request) => boolean; resolve: () => void }[];

const message = (id: string, channelId: string, content: string) => ({
  id,
  channel_id: channelId,
  type: 0,
  content,
  author: { id: '900', username: 'sonicord', discriminator: '0', avatar: null, bot: true },
  timestamp: '2026-11-24T10:00:00.000Z',
  edited_timestamp: null,
  tts: false,
  mention_everyone: false,
  mentions: [],
  mention_roles: [],
  attachments: [],
  embeds: [],
  pinned: false,
});

beforeEach(async () => {
  requests = [];
  waiters = [];
  server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = decodeURIComponent(req.url ?? '')
      .replace(/^\/api\/v10/, '')
      .replace(/\?.*$/, '');
    const request = { method: req.method ?? '', path, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
    requests.push(request);
    if (path.endsWith('/callback')) {
      res.writeHead(204).end();
    } else {
      const channel = path.match(/^\/channels\/(\d+)/)?.[1] ?? '100';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(message('555', channel, String(request.body.content ?? ''))));
    }
    for (const w of waiters.filter((w) => w.match(request))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const requestMatching = (match: (r: Request) => boolean) =>
  new Promise<void>((resolve) => {
    if (requests.some(match)) resolve();
    else waiters.push({ match, resolve });
  });

/** discord.js' gateway dispatch, without the WebSocket. */
function dispatch(surface: DiscordSurface, action: 'InteractionCreate' | 'MessageCreate', data: object): void {
  const actions = (surface.client as unknown as { actions: Record<string, { handle(d: object): void }> }).actions;
  actions[action]?.handle(data);
}

const user = { id: '200', username: 'alice', discriminator: '0', avatar: null, global_name: 'Alice' };

/** The envelope every guild interaction has. */
const interaction = (id: string, type: number, data: object, extra: object = {}) => ({
  id,
  application_id: '500',
  type,
  token: `tok${id}`,
  version: 1,
  guild_id: '600',
  channel_id: '100',
  channel: { id: '100', type: 0, guild_id: '600', name: 'general' },
  member: {
    user,
    roles: ['300'],
    permissions: '0',
    joined_at: '2026-01-01T00:00:00Z',
    deaf: false,
    mute: false,
    flags: 0,
  },
  data,
  locale: 'en-US',
  app_permissions: '0',
  entitlements: [],
  authorizing_integration_owners: {},
  context: 0,
  ...extra,
});

describe('DiscordSurface with the real discord.js client', () => {
  it('runs a slash command: deferred callback, then the edited original', async () => {
    let seen: CommandContext | undefined;
    const echo = defineCommand({
      name: 'echo',
      description: 'Echo',
      visibility: 'public',
      options: { words: { type: 'string', description: 'w' } },
      run: async (ctx, values) => {
        seen = ctx;
        return text(`echo ${values.words}`);
      },
    });
    const surface = new DiscordSurface({ core: aCore([echo]), token: 'bot-token', staff: STAFF_600, api });
    try {
      const edited = requestMatching((r) => r.method === 'PATCH');
      dispatch(
        surface,
        'InteractionCreate',
        interaction('400', 2, { id: '700', name: 'echo', type: 1, options: [{ name: 'words', type: 3, value: 'hi' }] }),
      );
      await edited;
      expect(requests[0]).toMatchObject({
        method: 'POST',
        path: '/interactions/400/tok400/callback',
        body: { type: 5 },
      });
      expect(requests[1]).toMatchObject({
        method: 'PATCH',
        path: '/webhooks/500/tok400/messages/@original',
        body: { content: 'echo hi', embeds: [], components: [] },
      });
      expect(seen?.invoker).toEqual({ user: 'discord:200', displayName: 'Alice', isStaff: true, roles: ['300'] });
      expect(seen?.place).toMatchObject({ platform: 'discord', spaceId: '600', channelId: '100', isDirect: false });
    } finally {
      await surface.stop();
    }
  });

  it('cancels from the button and autocompletes through discord.js interactions', async () => {
    const job = defineCommand({
      name: 'job',
      description: 'Job',
      visibility: 'public',
      options: {
        model: {
          type: 'string',
          description: 'm',
          required: false,
          autocomplete: (q) => [{ name: `${q}!`, value: q }],
        },
      },
      run: async (ctx) => {
        ctx.reply.progress(text('working'), { cancellable: true });
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return text('cancelled');
      },
    });
    const surface = new DiscordSurface({ core: aCore([job]), token: 'bot-token', staff: STAFF_600, api });
    try {
      const progressed = requestMatching((r) => r.method === 'PATCH');
      dispatch(surface, 'InteractionCreate', interaction('410', 2, { id: '700', name: 'job', type: 1, options: [] }));
      await progressed;
      expect(requests.at(-1)?.body.components).toEqual([
        { type: 1, components: [expect.objectContaining({ custom_id: 'cancel:410', label: 'Cancel' })] },
      ]);

      const updated = requestMatching((r) => r.path === '/interactions/420/tok420/callback');
      const finished = requestMatching((r) => r.method === 'PATCH' && r.body.content === 'cancelled');
      dispatch(
        surface,
        'InteractionCreate',
        interaction(
          '420',
          3,
          { custom_id: 'cancel:410', component_type: 2 },
          { message: message('555', '100', 'working') },
        ),
      );
      await updated;
      await finished;
      expect(requests.find((r) => r.path === '/interactions/420/tok420/callback')?.body).toEqual({
        type: 7,
        data: expect.objectContaining({ components: [] }),
      });

      const suggested = requestMatching((r) => r.path === '/interactions/430/tok430/callback');
      dispatch(
        surface,
        'InteractionCreate',
        interaction('430', 4, {
          id: '700',
          name: 'job',
          type: 1,
          options: [{ name: 'model', type: 3, value: 'nov', focused: true }],
        }),
      );
      await suggested;
      expect(requests.at(-1)?.body).toEqual({ type: 8, data: { choices: [{ name: 'nov!', value: 'nov' }] } });
    } finally {
      await surface.stop();
    }
  });

  it('answers a DM through the partial DM channel', async () => {
    const heard: string[] = [];
    const handler: MessageHandler = {
      name: 'echo',
      handle: async (ctx, body) => {
        heard.push(`${ctx.place.isDirect}:${ctx.place.threadKey}:${body}`);
        return text(`you said ${body}`);
      },
    };
    const surface = new DiscordSurface({
      core: aCore([], { messageHandlers: [handler] }),
      token: 'bot-token',
      staff: NO_STAFF,
      api,
    });
    surface.client.rest.setToken('bot-token');
    try {
      const posted = requestMatching((r) => r.method === 'POST' && r.path === '/channels/800/messages');
      dispatch(surface, 'MessageCreate', { ...message('810', '800', 'hello'), author: user, channel_type: 1 });
      await posted;
      expect(heard).toEqual(['true:discord:800:hello']);
      expect(requests.at(-1)?.body).toMatchObject({
        content: 'you said hello',
        message_reference: { message_id: '810' },
      });
    } finally {
      await surface.stop();
    }
  });

  it('a model answer that tries @everyone, @here, a role and a user pings nobody (client-wide allowed_mentions)', async () => {
    const sneaky = '@everyone @here <@&300> <@200> look at this';
    const echo = defineCommand({
      name: 'echo',
      description: 'Echo',
      visibility: 'public',
      options: {},
      run: async () => text(sneaky),
    });
    const handler: MessageHandler = { name: 'echo', handle: async () => text(sneaky) };
    const surface = new DiscordSurface({
      core: aCore([echo], { messageHandlers: [handler] }),
      token: 'bot-token',
      staff: STAFF_600,
      api,
    });
    surface.client.rest.setToken('bot-token');
    try {
      const edited = requestMatching((r) => r.method === 'PATCH');
      dispatch(surface, 'InteractionCreate', interaction('440', 2, { id: '700', name: 'echo', type: 1, options: [] }));
      await edited;
      const posted = requestMatching((r) => r.method === 'POST' && r.path === '/channels/800/messages');
      dispatch(surface, 'MessageCreate', { ...message('820', '800', 'hi'), author: user, channel_type: 1 });
      await posted;
      const sent = requests.filter((r) => r.body.content === sneaky);
      expect(sent.map((r) => r.method)).toEqual(['PATCH', 'POST']);
      for (const request of sent) {
        // parse: [] turns off @everyone/@here, roles and users; only the author of a replied-to message is notified.
        expect(request.body.allowed_mentions).toEqual({ parse: [], replied_user: true });
      }
    } finally {
      await surface.stop();
    }
  });

  it('asks for no privileged intent unless Message Content is opted in', async () => {
    const plain = new DiscordSurface({ core: aCore([]), token: 'bot-token', staff: NO_STAFF, api });
    const opted = new DiscordSurface({
      core: aCore([]),
      token: 'bot-token',
      staff: NO_STAFF,
      api,
      messageContent: true,
    });
    try {
      expect(plain.client.options.intents.has(GatewayIntentBits.MessageContent)).toBe(false);
      expect(plain.client.options.intents.has(GatewayIntentBits.GuildMessages)).toBe(true);
      expect(plain.client.options.intents.has(GatewayIntentBits.DirectMessages)).toBe(true);
      expect(opted.client.options.intents.has(GatewayIntentBits.MessageContent)).toBe(true);
    } finally {
      await plain.stop();
      await opted.stop();
    }
  });
});
