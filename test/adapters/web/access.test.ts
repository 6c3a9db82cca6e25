import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import type { ServerMessage } from '../../../adapters/web/protocol.ts';
import { fakeCore } from './fake-commands.ts';

const USER_TOKEN = 'user-token-0123456789';
const STAFF_TOKEN = 'staff-token-0123456789';

/** Opens a WebSocket with the given cookie; resolves with the HTTP status of a refused upgrade, or the socket. */
function open(url: string, path: string, cookie?: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(new URL(path, url.replace(/^http/, 'ws')), cookie ? { headers: { cookie } } : {});
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

async function hello(socket: WebSocket, staff: boolean): Promise<ServerMessage[]> {
  const messages: ServerMessage[] = [];
  await new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      messages.push(message);
      if (message.type === 'welcome') resolve();
    });
    socket.send(JSON.stringify({ type: 'hello', name: 'alice', staff }));
  });
  return messages;
}

const signIn = (url: string, token: string) =>
  fetch(new URL('signin', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

describe('playground access', () => {
  const fake = fakeCore();
  let surface: PlaygroundSurface | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await surface?.stop();
    surface = undefined;
  });

  it('refuses to start on a non-loopback address without a token, before listening', async () => {
    surface = new PlaygroundSurface({ core: fake.core, host: '0.0.0.0', port: 0 });
    await expect(surface.start()).rejects.toThrow(/listen on 0\.0\.0\.0.*set PLAYGROUND_TOKEN/);
    expect(() => surface?.url).toThrow(/not started/);
  });

  it('stays open on loopback without a token, staff allowed as before', async () => {
    surface = new PlaygroundSurface({ core: fake.core, port: 0 });
    await surface.start();
    expect(await (await fetch(new URL('session', surface.url))).json()).toEqual({
      required: false,
      signedIn: true,
      staff: true,
    });
    const socket = await open(surface.url, 'ws');
    if (typeof socket === 'number') throw new Error(`refused: ${socket}`);
    sockets.push(socket);
    expect((await hello(socket, true)).find((m) => m.type === 'welcome')).toMatchObject({ staff: true });
  });

  describe('with tokens', () => {
    const start = async () => {
      surface = new PlaygroundSurface({
        core: fake.core,
        port: 0,
        maxUploadBytes: 1000,
        access: { token: USER_TOKEN, staffToken: STAFF_TOKEN },
      });
      await surface.start();
      return surface.url;
    };

    it('refuses the socket, the microphone and uploads until signed in; the page itself loads', async () => {
      const url = await start();
      expect((await fetch(url)).status).toBe(200);
      expect(await (await fetch(new URL('session', url))).json()).toMatchObject({ required: true, signedIn: false });
      expect(await open(url, 'ws')).toBe(401);
      expect(await open(url, 'voice?name=alice')).toBe(401);
      expect(await open(url, 'ws', 'sonicord_session=guessed')).toBe(401);
      const upload = await fetch(new URL('uploads?name=a.csv', url), { method: 'POST', body: 'a,b\n' });
      expect(upload.status).toBe(401);
    });

    it('refuses a wrong token, and slows guessing down after 10 tries a minute', async () => {
      const url = await start();
      const wrong = await signIn(url, 'not-the-token-at-all');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      for (let i = 0; i < 9; i++) await signIn(url, `wrong-${i}-0123456789`);
      expect((await signIn(url, USER_TOKEN)).status).toBe(429);
    });

    it('signs in with the user token: the socket opens, the Staff switch is refused', async () => {
      const url = await start();
      const response = await signIn(url, USER_TOKEN);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ signedIn: true, staff: false });
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^sonicord_session=[\w-]{32}; HttpOnly; SameSite=Strict; Path=\//);
      const session = cookie.split(';')[0] ?? '';
      expect(await (await fetch(new URL('session', url), { headers: { cookie: session } })).json()).toEqual({
        required: true,
        signedIn: true,
        staff: false,
      });
      const socket = await open(url, 'ws', session);
      if (typeof socket === 'number') throw new Error(`refused: ${socket}`);
      sockets.push(socket);
      const messages = await hello(socket, true);
      expect(messages.find((m) => m.type === 'welcome')).toMatchObject({ user: 'web:alice', staff: false });
      expect(messages.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/staff token/) });
    });

    it('signs in with the staff token: staff mode is allowed', async () => {
      const url = await start();
      const response = await signIn(url, STAFF_TOKEN);
      const session = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const socket = await open(url, 'ws', session);
      if (typeof socket === 'number') throw new Error(`refused: ${socket}`);
      sockets.push(socket);
      expect((await hello(socket, true)).find((m) => m.type === 'welcome')).toMatchObject({ staff: true });
    });
  });
});
