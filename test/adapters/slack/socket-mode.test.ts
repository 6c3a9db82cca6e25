import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { SlackSurface } from '../../../adapters/slack/slack-surface.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { FakeSlackApi } from './fake-slack-api.ts';
import { blockText, noDeps } from './harness.ts';

const ping = defineCommand({
  name: 'ping',
  description: 'Pong',
  visibility: 'public',
  options: {},
  run: async () => text('pong over the socket'),
});

/** Socket Mode end to end: apps.connections.open on the fake API, then a loopback WebSocket speaking the envelopes. */
describe('Slack Socket Mode', () => {
  const fake = new FakeSlackApi();
  const acks: unknown[] = [];
  let wss: WebSocketServer;
  let socket: WebSocket | undefined;
  let surface: SlackSurface;

  beforeAll(async () => {
    await fake.start();
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    fake.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => acks.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' } }));
    });
    surface = new SlackSurface({
      core: { commands: [ping], messageHandlers: [], deps: noDeps, log: silentLogger },
      botToken: fake.botToken,
      appToken: 'xapp-test',
      mode: 'socket',
      port: 0,
      staffUsers: [],
      slackApiUrl: fake.apiUrl,
    });
    await surface.start();
  });

  afterAll(async () => {
    await surface.stop();
    for (const client of wss.clients) client.terminate();
    await new Promise((r) => wss.close(r));
    await fake.stop();
  });

  it('acks a slash command envelope and answers through the Web API', async () => {
    expect(fake.callsTo('apps.connections.open')[0]?.authorization).toBe('Bearer xapp-test');
    socket?.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          command: '/ping',
          text: '',
          user_id: 'U1',
          user_name: 'alice',
          team_id: 'T1',
          channel_id: 'C1',
          trigger_id: 'trig-socket',
          response_url: `${fake.url}/respond/socket`,
          api_app_id: 'A1',
        },
      }),
    );
    await fake.waitFor(() => acks.find((a) => (a as { envelope_id?: string }).envelope_id === 'env-1'), 'the ack');
    await fake.waitFor(
      () => fake.callsTo('chat.update').find((c) => blockText(c.args).includes('pong over the socket')),
      'the answer',
    );
  });
});
