import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordVoiceHost } from '../../../../adapters/discord/voice/discord-voice-host.ts';
import type { VoiceChannelRef, VoiceLink, VoiceLinkStatus } from '../../../../adapters/discord/voice/voice-host.ts';
import { DiscordVoiceSessions } from '../../../../adapters/discord/voice/voice-sessions.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';
import { startVoiceConversation } from '../../../../src/voice/conversation-loop.ts';
import { ScriptedVoiceModel, until } from '../../../support/voice-loop-fakes.ts';
import { FakePlayer, FakeReceiver } from './voice-fakes.ts';

/**
 * Voice transcripts through the real discord.js REST client to a loopback Discord API that records each request:
 * one message per turn, edited as it grows, and every payload turns mentions off, whatever the model says.
 */
interface Request {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

let server: Server;
let api: string;
let requests: Request[];

beforeEach(async () => {
  requests = [];
  let next = 500;
  server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = (req.url ?? '').replace(/^\/api\/v10/, '').replace(/\?.*$/, '');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    requests.push({ method: req.method ?? '', path, body });
    const id = path.match(/\/messages\/(\d+)$/)?.[1] ?? String(next++);
    const channelId = path.match(/^\/channels\/(\d+)/)?.[1] ?? '0';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, channel_id: channelId, content: body.content ?? '', type: 0 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The real host's REST side; the voice side (channels, connection) is faked, as no gateway runs here. */
class RestOnlyHost extends DiscordVoiceHost {
  override voiceChannelOf(guildId: string): VoiceChannelRef {
    return { guildId, id: '800', name: 'General' };
  }
  override botChannelOf(guildId: string): VoiceChannelRef {
    return this.voiceChannelOf(guildId);
  }
  override humansIn(): number {
    return 2;
  }
  override async connect(): Promise<VoiceLink> {
    return {
      receiver: new FakeReceiver(),
      player: new FakePlayer(),
      onLost: () => {},
      reconnect: () => {},
      destroy: () => {},
      status: (): VoiceLinkStatus => ({ connection: 'ready' }),
    };
  }
  override displayNameOf(): string {
    return 'Ana';
  }
}

describe('voice transcripts over Discord REST', () => {
  it('posts one message per turn, edits it as the answer grows, and never lets it mention anyone', async () => {
    const client = new Client({ intents: [], rest: { api } });
    client.rest.setToken('bot-token');
    const model = new ScriptedVoiceModel();
    const sessions = new DiscordVoiceSessions({
      host: new RestOnlyHost(client, silentLogger),
      log: silentLogger,
      startConversation: (io, request, invoker) =>
        startVoiceConversation({
          io,
          model,
          tools: [],
          caller: () => invoker,
          transcripts: request.transcripts,
          log: silentLogger,
        }),
    });
    try {
      const voice = sessions.voiceFor('g1', '42');
      const joined = await voice.join({ engine: 'sonic', listen: 'everyone', transcripts: true });
      expect(joined.ok).toBe(true);
      const session = await model.session(0);
      session.emit({ type: 'transcript', role: 'user', text: 'ping @everyone and <@&300> please', final: true });
      session.emit({ type: 'transcript', role: 'assistant', text: 'Sure: @everyone @here', final: true });
      session.emit({ type: 'transcript', role: 'assistant', text: 'and <@200>.', final: true }, { type: 'turnEnd' });
      const final = '🗣️ ping @everyone and <@&300> please\n🤖 Sure: @everyone @here and <@200>.';
      const wait = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
      await until(() => requests.some((r) => r.body.content === final), 'the final edit', wait);

      const writes = requests.filter((r) => r.path.startsWith('/channels/800/messages'));
      expect(writes[0]).toMatchObject({ method: 'POST', path: '/channels/800/messages' });
      expect(writes.slice(1).every((r) => r.method === 'PATCH' && r.path === '/channels/800/messages/500')).toBe(true);
      expect(writes.at(-1)?.body.content).toBe(final);
      for (const request of writes) expect(request.body.allowed_mentions).toEqual({ parse: [] });

      // The next turn is a message of its own.
      session.emit({ type: 'transcript', role: 'user', text: 'thanks', final: true });
      await until(() => requests.filter((r) => r.method === 'POST').length === 2, 'second turn posted', wait);
      expect(requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({
        content: '🗣️ thanks',
        allowed_mentions: { parse: [] },
      });
    } finally {
      await sessions.close();
      await client.destroy();
    }
  });
});
