import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordDirectMessenger } from '../../../adapters/discord/direct-messenger.ts';
import { text } from '../../../src/chat/reply.ts';

/**
 * discord.js' real `client.users` against a loopback Discord REST API: POST /users/@me/channels opens the DM channel
 * (channel id = `7` + user id), POST /channels/:id/messages sends. `answers` overrides either, per user id.
 */
interface Answer {
  readonly status: number;
  readonly body?: object;
}

let server: Server;
let api: string;
let client: Client;
let answers: Map<string, { open?: Answer; send?: Answer }>;
let posted: { path: string; body: Record<string, unknown> }[];

/** discord.js' gateway READY, without the WebSocket: it sets `client.user`, which opening a DM channel needs. */
function ready(client: Client): void {
  const ws = client.ws as unknown as { handlePacket(packet: object, shard: object): void };
  const bot = { id: '900', username: 'sonicord', discriminator: '0', avatar: null, bot: true };
  const packet = { t: 'READY', d: { user: bot, guilds: [], application: { id: '500', flags: 0 } } };
  ws.handlePacket(packet, { id: 0, checkReady: () => undefined });
}

const discordError = (status: number, code: number, message: string): Answer => ({ status, body: { code, message } });

beforeEach(async () => {
  answers = new Map();
  posted = [];
  server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const path = (req.url ?? '').replace(/^\/api\/v10/, '');
    const reply = ({ status, body }: Answer) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body ? JSON.stringify(body) : '');
    };
    if (path === '/users/@me/channels') {
      const user = String(body.recipient_id);
      const recipient = { id: user, username: `u${user}`, discriminator: '0', avatar: null, global_name: null };
      return reply(
        answers.get(user)?.open ?? { status: 200, body: { id: `7${user}`, type: 1, recipients: [recipient] } },
      );
    }
    const channel = path.match(/^\/channels\/7(\d+)\/messages$/)?.[1] ?? '';
    posted.push({ path, body });
    const message = { id: '555', channel_id: `7${channel}`, type: 0, content: body.content, embeds: [] };
    return reply(answers.get(channel)?.send ?? { status: 200, body: message });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  // No retries: a 5xx surfaces at once instead of after discord.js' own three attempts.
  client = new Client({ intents: [], rest: { api, retries: 0 } });
  client.rest.setToken('bot-token');
  ready(client);
});
afterEach(async () => {
  await client.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('DiscordDirectMessenger (real discord.js client, loopback REST)', () => {
  it('opens the DM channel, sends the rendered reply and reports `sent`', async () => {
    await expect(new DiscordDirectMessenger(client.users).send('201', text('Your order shipped'))).resolves.toBe(
      'sent',
    );
    expect(posted).toEqual([
      { path: '/channels/7201/messages', body: expect.objectContaining({ content: 'Your order shipped' }) },
    ]);
  });

  it('reports `undeliverable` for users Discord will never let the bot reach', async () => {
    answers.set('202', { send: discordError(403, 50007, 'Cannot send messages to this user') });
    answers.set('203', {
      send: discordError(403, 50278, 'Cannot send messages to this user due to having no mutual guilds'),
    });
    answers.set('204', { open: discordError(400, 50033, 'Invalid Recipient(s)') });
    answers.set('205', { open: discordError(404, 10013, 'Unknown User') });
    const messenger = new DiscordDirectMessenger(client.users);
    for (const user of ['202', '203', '204', '205']) {
      await expect(messenger.send(user, text('x')), user).resolves.toBe('undeliverable');
    }
  });

  it('rejects on what may work later: a 5xx, or a refusal that is not about the user', async () => {
    answers.set('206', { send: { status: 502 } });
    answers.set('207', { send: discordError(403, 50013, 'Missing Permissions') });
    const messenger = new DiscordDirectMessenger(client.users);
    await expect(messenger.send('206', text('x'))).rejects.toMatchObject({ name: 'HTTPError', status: 502 });
    await expect(messenger.send('207', text('x'))).rejects.toMatchObject({ code: 50013 });
  });
});
