import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import type { ServerMessage } from '../../../adapters/web/protocol.ts';
import { text } from '../../../src/chat/reply.ts';
import { userId } from '../../../src/domain/ids.ts';
import { fakeCore } from './fake-commands.ts';
import { TestClient } from './ws-client.ts';

type Final = Extract<ServerMessage, { type: 'final' }>;

describe('PlaygroundSurface', () => {
  let fake: ReturnType<typeof fakeCore>;
  let surface: PlaygroundSurface;
  const clients: TestClient[] = [];
  const tab = async (name: string, staff = false) => {
    const client = await TestClient.as(surface.url, name, staff);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    fake = fakeCore();
    surface = new PlaygroundSurface({ core: fake.core, port: 0, maxUploadBytes: 1000, editIntervalMs: 50 });
    fake.notifier.attach(surface.messenger);
    await surface.start();
  });

  afterEach(async () => {
    fake.release();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await surface.stop();
  });

  it('serves the page on 127.0.0.1 and prints its URL', async () => {
    expect(surface.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(surface.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="app.js">');
  });

  it('welcomes a tab with its user id and the command specs, without server-side functions', async () => {
    const alice = await tab('alice');
    const welcome = alice.messages.find((m) => m.type === 'welcome');
    expect(welcome).toMatchObject({ type: 'welcome', user: 'web:alice', staff: false });
    if (welcome?.type !== 'welcome') throw new Error('no welcome');
    const pick = welcome.commands.find((c) => c.name === 'pick');
    expect(pick?.options).toEqual([
      expect.objectContaining({ name: 'fruit', required: true, autocomplete: false, choices: expect.any(Array) }),
      expect.objectContaining({ name: 'city', required: false, autocomplete: true }),
    ]);
    expect(welcome.commands.find((c) => c.name === 'count')?.options[0]).toMatchObject({
      type: 'attachment',
      extensions: ['csv'],
    });
  });

  it('runs a command from free text parsed like Slack and answers with its reply', async () => {
    const alice = await tab('alice');
    alice.send({ type: 'command', id: 'c1', name: 'echo', text: 'hello there' });
    const final = await alice.final('c1');
    expect(final.reply).toEqual({ kind: 'text', title: 'Echo', text: 'alice said **hello there**' });
    expect(final.threadKey).toMatch(/^web:/);
  });

  it('streams throttled progress, then the final table', async () => {
    const alice = await tab('alice');
    alice.send({ type: 'command', id: 's1', name: 'stream', options: { rows: 3 } });
    const final = await alice.final('s1');
    expect(final.reply).toMatchObject({
      kind: 'table',
      title: 'Scores',
      rows: [['model-1', '90%'], expect.anything(), expect.anything()],
    });
    const progress = alice.messages.filter((m) => m.type === 'progress' && m.id === 's1');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ reply: { kind: 'text' }, cancellable: true });
    // Progress never arrives after the final answer.
    expect(alice.messages.indexOf(final)).toBeGreaterThan(alice.messages.indexOf(progress.at(-1) as ServerMessage));
  });

  it('shows validation failures, staff checks and crashes as error replies', async () => {
    const alice = await tab('alice');
    alice.send({ type: 'command', id: 'e1', name: 'echo', text: 'x'.repeat(60) });
    alice.send({ type: 'command', id: 'e2', name: 'restock' });
    alice.send({ type: 'command', id: 'e3', name: 'boom' });
    alice.send({ type: 'command', id: 'e4', name: 'nope' });
    alice.send({ type: 'command', id: 'e5', name: 'echo', options: { colour: 'red' } });
    expect((await alice.final('e1')).reply).toMatchObject({ kind: 'error', code: 'input.too_long' });
    expect((await alice.final('e2')).reply).toMatchObject({ kind: 'error', code: 'auth.staff_only' });
    expect((await alice.final('e3')).reply).toMatchObject({
      kind: 'error',
      code: 'internal',
      correlationId: expect.any(String),
    });
    expect((await alice.final('e4')).reply).toMatchObject({ kind: 'error', code: 'input.unknown_command' });
    expect((await alice.final('e5')).reply).toMatchObject({ kind: 'error', code: 'input.unknown_option' });
  });

  it('lets the staff switch through staff-only commands', async () => {
    const staff = await tab('sam', true);
    staff.send({ type: 'command', id: 'r1', name: 'restock' });
    expect((await staff.final('r1')).reply).toEqual({ kind: 'text', text: 'restocked' });
  });

  it('answers autocomplete from fixed choices and from the option autocomplete', async () => {
    const alice = await tab('alice');
    alice.send({ type: 'autocomplete', id: 'a1', command: 'pick', option: 'fruit', query: 'an' });
    alice.send({ type: 'autocomplete', id: 'a2', command: 'pick', option: 'city', query: 'p' });
    alice.send({ type: 'autocomplete', id: 'a3', command: 'nope', option: 'x', query: '' });
    const answer = (id: string) => alice.waitFor((m) => m.type === 'autocomplete' && m.id === id);
    expect(await answer('a1')).toMatchObject({ choices: [{ name: 'Banana', value: 'banana' }] });
    expect(await answer('a2')).toMatchObject({
      choices: [
        { name: 'Paris (for alice)', value: 'paris' },
        { name: 'Porto (for alice)', value: 'porto' },
        { name: 'Prague (for alice)', value: 'prague' },
      ],
    });
    expect(await answer('a3')).toMatchObject({ choices: [] });
  });

  it('answers malformed messages with an error and nothing else', async () => {
    const alice = await tab('alice');
    const before = alice.messages.length;
    alice.send('not json');
    alice.send({ type: 'command', id: 7, name: 'echo' });
    alice.send({ type: 'launch-missiles' });
    alice.send({ type: 'hello', name: '../../etc' });
    await alice.waitFor(() => alice.messages.length >= before + 4, 'four errors');
    const replies = alice.messages.slice(before);
    expect(replies.map((m) => m.type)).toEqual(['error', 'error', 'error', 'error']);
    expect(replies[0]).toMatchObject({ message: expect.stringContaining('not JSON') });
    expect(replies[1]).toMatchObject({ message: expect.stringContaining('id') });
    // The bad hello did not change who the tab is.
    alice.send({ type: 'command', id: 'ok', name: 'echo', text: 'still me' });
    expect((await alice.final('ok')).reply).toMatchObject({ text: 'alice said **still me**' });
  });

  it('refuses commands before hello', async () => {
    const anon = await TestClient.connect(surface.url);
    clients.push(anon);
    anon.send({ type: 'command', id: 'x', name: 'echo', text: 'hi' });
    expect(await anon.waitFor((m) => m.type === 'error')).toMatchObject({
      id: 'x',
      message: expect.stringContaining('hello'),
    });
  });

  it('aborts the commands of a closed tab and leaves other tabs running', async () => {
    const alice = await tab('alice');
    const bob = await tab('bob');
    alice.send({ type: 'command', id: 'w1', name: 'wait', text: 'alice-run' });
    bob.send({ type: 'command', id: 'w2', name: 'wait', text: 'bob-run' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await alice.close();
    await expect.poll(() => fake.aborted, { timeout: 10_000 }).toEqual(['alice-run']);
    bob.send({ type: 'command', id: 'e', name: 'echo', text: 'alive' });
    expect((await bob.final('e')).reply).toMatchObject({ text: 'bob said **alive**' });
    bob.send({ type: 'cancel', id: 'w2' });
    expect((await bob.final('w2')).reply).toMatchObject({ text: 'bob-run cancelled' });
    expect(fake.aborted).toEqual(['alice-run', 'bob-run']);
  });

  it('routes notifications to every tab of that user only, and keeps them (as sent) for a user with no tab', async () => {
    const alice1 = await tab('alice');
    const alice2 = await tab('alice');
    const bob = await tab('bob');
    await expect(
      fake.core.deps.notifier.notify(userId('web', 'alice'), text('Order ORD-1 is on its way')),
    ).resolves.toBe('sent');
    for (const client of [alice1, alice2]) {
      expect(await client.waitFor((m) => m.type === 'notification')).toMatchObject({
        reply: { kind: 'text', text: 'Order ORD-1 is on its way' },
      });
    }
    // Kept for carol's next tab, so `sent` too: the relay may delete it from the queue.
    await expect(fake.core.deps.notifier.notify(userId('web', 'carol'), text('for carol'))).resolves.toBe('sent');
    await bob.close();
    expect(bob.messages.some((m) => m.type === 'notification')).toBe(false);
    const carol = await tab('carol');
    expect(await carol.waitFor((m) => m.type === 'notification')).toMatchObject({ reply: { text: 'for carol' } });
  });

  it('continues a conversation in the thread of an answer', async () => {
    const alice = await tab('alice');
    alice.send({ type: 'command', id: 'c1', name: 'echo', text: 'start' });
    const { threadKey } = await alice.final('c1');
    alice.send({ type: 'message', id: 'm1', text: 'and then?', threadKey });
    const answer = await alice.final('m1');
    expect(answer.reply).toEqual({ kind: 'text', text: `in ${threadKey}: and then?` });
    expect(answer.threadKey).toBe(threadKey);
  });

  it('hands an uploaded file to a command as a FileSource', async () => {
    const alice = await tab('alice');
    const upload = await fetch(new URL('uploads?name=scores.csv', surface.url), {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'id,expected,actual\n1,a,a\n2,b,c\n',
    });
    expect(upload.status).toBe(200);
    const { id, size } = (await upload.json()) as { id: string; size: number };
    expect(size).toBe(31);
    alice.send({ type: 'command', id: 'f1', name: 'count', options: { file: { upload: id } } });
    const final: Final = await alice.final('f1');
    expect(final.reply).toMatchObject({
      kind: 'composite',
      parts: [{ kind: 'text', text: 'scores.csv: 31 bytes, 3 lines' }],
      files: [{ name: 'copy.txt', contentType: 'text/plain', base64: Buffer.from('copied').toString('base64') }],
    });
    alice.send({ type: 'command', id: 'f2', name: 'count', options: { file: { upload: 'gone' } } });
    expect((await alice.final('f2')).reply).toMatchObject({ kind: 'error', code: 'upload.not_found' });
  });

  it('rejects an oversized upload, declared or streamed, and keeps serving', async () => {
    const declared = await fetch(new URL('uploads?name=big.csv', surface.url), {
      method: 'POST',
      body: 'x'.repeat(1001),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: expect.stringContaining('1000 bytes') });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(600));
        controller.close();
      },
    });
    const streamed = await fetch(new URL('uploads?name=big.csv', surface.url), {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const noName = await fetch(new URL('uploads', surface.url), { method: 'POST', body: 'a' });
    expect(noName.status).toBe(400);
    expect((await fetch(surface.url)).status).toBe(200);
  });

  it('refuses WebSockets and uploads from another site', async () => {
    const response = await fetch(new URL('uploads?name=a.csv', surface.url), {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: 'a',
    });
    expect(response.status).toBe(403);
    const socket = new WebSocket(`${surface.url.replace('http', 'ws')}ws`, { origin: 'https://evil.example' });
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_request, res) => resolve(res.statusCode));
      socket.once('open', () => resolve(101));
    });
    socket.on('error', () => {});
    socket.terminate();
    expect(status).toBe(403);
  });
});

describe('PlaygroundSurface on loopback', () => {
  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    const { core } = fakeCore();
    const surface = new PlaygroundSurface({ core, port: 0 });
    await surface.start();
    try {
      const { port } = new URL(surface.url);
      const status = (host: string) =>
        new Promise<number | undefined>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
            .on('error', reject)
            .end();
        });
      expect(await status(`evil.example:${port}`)).toBe(403);
      expect(await status(`localhost:${port}`)).toBe(200);
    } finally {
      await surface.stop();
    }
  });
});

describe('PlaygroundSurface start', () => {
  it('says which variable to change when the port is taken', async () => {
    const { core } = fakeCore();
    const first = new PlaygroundSurface({ core, port: 0 });
    await first.start();
    try {
      const second = new PlaygroundSurface({ core, port: Number(new URL(first.url).port) });
      await expect(second.start()).rejects.toThrow(/PLAYGROUND_PORT/);
    } finally {
      await first.stop();
    }
  });
});
