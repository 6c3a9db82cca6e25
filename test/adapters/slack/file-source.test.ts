import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayCarryToken, type SlackFileAccess, slackFileSource } from '../../../adapters/slack/file-source.ts';

/** A loopback HTTP server that records the headers it got and answers with `handle`. */
async function recordingServer(
  handle: (path: string) => { status: number; headers?: Record<string, string>; body?: string },
) {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const out = handle(req.url ?? '');
    res.writeHead(out.status, out.headers ?? {});
    res.end(out.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, server, host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` };
}

const read = async (access: SlackFileAccess, url: string, size = 1) => {
  let text = '';
  for await (const chunk of slackFileSource({ name: 'a.csv', size, url }, access).open()) {
    text += Buffer.from(chunk).toString();
  }
  return text;
};

describe('Slack file downloads', () => {
  let slack: Awaited<ReturnType<typeof recordingServer>>;
  let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => {
    elsewhere = await recordingServer(() => ({ status: 200, body: 'a,b\n1,2\n' }));
    slack = await recordingServer((path) =>
      path === '/redirect'
        ? { status: 302, headers: { location: `${elsewhere.url}/cdn/a.csv` } }
        : path === '/big'
          ? { status: 200, headers: { 'content-length': '5000' }, body: 'x'.repeat(5000) }
          : { status: 200, body: 'a,b\n1,2\n' },
    );
  });
  afterAll(async () => {
    for (const s of [slack, elsewhere]) await new Promise((resolve) => s.server.close(resolve));
  });
  const access = (maxBytes = 1024): SlackFileAccess => ({ botToken: 'xoxb-secret', maxBytes, hosts: [slack.host] });

  it('sends the bot token to Slack’s file host', async () => {
    expect(await read(access(), `${slack.url}/files-pri/T1/a.csv`)).toBe('a,b\n1,2\n');
    expect(slack.seen.at(-1)?.headers.authorization).toBe('Bearer xoxb-secret');
  });

  it('never sends it to another host: not for a file URL there, not after a redirect there', async () => {
    await read(access(), `${elsewhere.url}/evil/a.csv`);
    expect(elsewhere.seen.at(-1)?.headers.authorization).toBeUndefined();
    expect(await read(access(), `${slack.url}/redirect`)).toBe('a,b\n1,2\n');
    expect(slack.seen.at(-1)).toMatchObject({ path: '/redirect', headers: { authorization: 'Bearer xoxb-secret' } });
    expect(elsewhere.seen.at(-1)).toMatchObject({ path: '/cdn/a.csv' });
    expect(elsewhere.seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('honours the size limit: announced by the event, by the response, or only while reading', async () => {
    await expect(read(access(1024), `${slack.url}/files-pri/a.csv`, 2048)).rejects.toThrow(/larger than/);
    const before = slack.seen.length;
    await expect(read(access(1024), `${slack.url}/big`)).rejects.toThrow(/BENCH_MAX_BYTES/);
    expect(slack.seen.length).toBe(before + 1); // the announced size was small: it had to ask
    await expect(read(access(4), `${slack.url}/files-pri/a.csv`)).rejects.toThrow(/larger than/);
  });

  it('knows Slack’s file hosts, over https only', () => {
    expect(mayCarryToken(new URL('https://files.slack.com/files-pri/T1-F1/download/a.csv'))).toBe(true);
    expect(mayCarryToken(new URL('https://files.slack-gov.com/files-pri/T1-F1/a.csv'))).toBe(true);
    expect(mayCarryToken(new URL('http://files.slack.com/files-pri/T1-F1/a.csv'))).toBe(false);
    expect(mayCarryToken(new URL('https://files.slack.com.evil.example/a.csv'))).toBe(false);
    expect(mayCarryToken(new URL('https://evil.example/files.slack.com/a.csv'))).toBe(false);
    expect(mayCarryToken(new URL('https://user@files.slack.com/a.csv'))).toBe(false);
    expect(mayCarryToken(new URL('https://slack.com/a.csv'))).toBe(false);
  });
});
