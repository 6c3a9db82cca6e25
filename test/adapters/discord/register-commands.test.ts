import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../adapters/discord/register-commands.ts';
import { commands } from '../../../commands/index.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';

interface Seen {
  method: string;
  url: string;
  auth: string;
  body: CommandJson[];
}

interface CommandJson {
  name: string;
  contexts?: number[];
  integration_types?: number[];
  default_member_permissions?: string | null;
}

/** A loopback Discord API that records the bulk overwrite and echoes the commands back, as Discord does. */
let server: Server | undefined;
async function fakeDiscord(status = 200): Promise<{ api: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as CommandJson[]) : [];
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', body });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        status === 200 ? body.map((c, i) => ({ id: String(i), ...c })) : { message: '401: Unauthorized', code: 0 },
      ),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, seen };
}
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const cmd = (name: string, surfaces?: ('discord' | 'slack' | 'web')[]) =>
  defineCommand({
    name,
    description: `The ${name} command`,
    visibility: 'public',
    options: {},
    ...(surfaces ? { surfaces } : {}),
    run: async () => text('ok'),
  });

describe('registerCommands', () => {
  it('puts the Discord commands into one guild with the bot token', async () => {
    const { api, seen } = await fakeDiscord();
    const done = await registerCommands([cmd('help'), cmd('join', ['discord', 'web']), cmd('slackonly', ['slack'])], {
      token: 'tok',
      appId: 'app-1',
      guildId: 'g-1',
      api,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'PUT',
      url: '/api/v10/applications/app-1/guilds/g-1/commands',
      auth: 'Bot tok',
    });
    expect(seen[0]?.body.map((c) => c.name)).toEqual(['help', 'join']);
    expect(done).toEqual({ scope: 'guild g-1', names: ['help', 'join'] });
  });

  it('registers globally without a guild, and rejects on an API error', async () => {
    const { api, seen } = await fakeDiscord();
    const done = await registerCommands([cmd('help')], { token: 'tok', appId: 'app-1', api });
    expect(seen[0]?.url).toBe('/api/v10/applications/app-1/commands');
    expect(done.scope).toMatch(/^global/);
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const denied = await fakeDiscord(401);
    await expect(registerCommands([cmd('help')], { token: 'bad', appId: 'app-1', api: denied.api })).rejects.toThrow(
      /Unauthorized/,
    );
  });
});

describe('the registration payload of the project commands', () => {
  // Discord's enums: contexts 0 = server (Guild), 1 = the bot's DM; integration type 0 = server install.
  const GUILD = 0;
  const BOT_DM = 1;
  const MANAGE_GUILD = String(1 << 5);

  it('offers staff commands to members who can manage the server only, and says where every command works', async () => {
    const { api, seen } = await fakeDiscord();
    await registerCommands(commands, { token: 'tok', appId: 'app-1', guildId: 'g-1', api });
    const byName = new Map((seen[0]?.body ?? []).map((c) => [c.name, c]));
    for (const c of byName.values()) {
      // Explicit everywhere: nothing left to Discord's defaults.
      expect(c.integration_types, c.name).toEqual([0]);
      expect(c.contexts?.length, c.name).toBeGreaterThan(0);
    }
    for (const staff of ['deliver', 'restock']) {
      expect(byName.get(staff)).toMatchObject({ default_member_permissions: MANAGE_GUILD, contexts: [GUILD] });
    }
    for (const voice of ['join', 'leave']) expect(byName.get(voice)?.contexts).toEqual([GUILD]);
    for (const anywhere of ['ask', 'track', 'help']) {
      expect(byName.get(anywhere)?.contexts).toEqual([GUILD, BOT_DM]);
      expect(byName.get(anywhere)?.default_member_permissions ?? null).toBeNull();
    }
  });
});

describe('npm run commands:deploy', () => {
  it('says which credentials are missing and where to find them', async () => {
    const script = resolve(import.meta.dirname, '../../../scripts/deploy-commands.ts');
    // Run from an empty directory so no .env is picked up.
    const run = promisify(execFile)(process.execPath, [script], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '' },
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('set DISCORD_TOKEN (Bot tab, Reset Token) and DISCORD_APP_ID'),
    });
  });
});
