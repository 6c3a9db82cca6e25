import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../adapters/logging/pino-logger.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import { FakeSlackApi } from '../slack/fake-slack-api.ts';

/** Secrets and personal data that must never appear in a log line, whatever carries them. */
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTMxNTk5OTk5OTk5OTk5OTk5OTk6c2VjcmV0LWludGVyYWN0aW9uLXRva2Vu';
const BOT_TOKEN = 'MTMxNTk5OTk5OTk5OTk5OTk5OQ.GhAbCd.q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9';
const SLACK_BOT_TOKEN = 'xoxb-1111-2222-SlackBotSecret';
const SLACK_APP_TOKEN = 'xapp-1-A01-3333-SlackAppSecret';
const ADDRESS = '12 Main Street, Lisbon';
const PHONE = '+351 912 345 678';
const RESPONSE_URL_SECRET = 'ZxCvBnMrespondsecret42';

let lines: string[];
let log: Logger;
let debugLog: Logger;
const output = () => lines.join('');
const destination = () => ({ write: (line: string) => void lines.push(line) });

beforeEach(() => {
  lines = [];
  log = createPinoLogger('info', destination());
  debugLog = createPinoLogger('debug', destination());
});

describe('logs hold no secrets', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('a real DiscordAPIError from the interaction webhook: no token in the url, no request body', async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 50035, message: 'Invalid Form Body', errors: {} }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    const rest = new REST({ version: '10', api, retries: 0 }).setToken(BOT_TOKEN);
    const error = await rest
      .patch(Routes.webhookMessage('500', INTERACTION_TOKEN, '@original'), {
        body: { content: `Your order goes to ${ADDRESS}; we call ${PHONE}` },
        auth: false,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    // The unredacted error really carries both: the test would catch a serializer that printed them.
    expect(JSON.stringify((error as DiscordAPIError).requestBody)).toContain(ADDRESS);
    expect((error as DiscordAPIError).url).toContain(INTERACTION_TOKEN);

    log.child({ platform: 'discord' }).error({ err: error }, 'discord reply failed');
    log.warn({ err: new Error('edit failed', { cause: error }) }, 'wrapped');

    const text = output();
    for (const secret of [INTERACTION_TOKEN, ADDRESS, PHONE, BOT_TOKEN]) expect(text).not.toContain(secret);
    const first = JSON.parse(lines[0] ?? '{}');
    expect(first.err).toMatchObject({
      type: 'DiscordAPIError[50035]',
      status: 400,
      code: 50035,
      method: 'PATCH',
      url: expect.stringContaining('/webhooks/500/[redacted]/messages/%40original'),
    });
    expect(JSON.parse(lines[1] ?? '{}').err.cause.type).toBe('DiscordAPIError[50035]');
  });

  it('a real Slack WebAPIPlatformError and a failed response_url: the error code stays, the tokens go', async () => {
    const fake = new FakeSlackApi();
    fake.botToken = SLACK_BOT_TOKEN;
    await fake.start();
    try {
      fake.fail('chat.postMessage', 'channel_not_found');
      const client = new WebClient(SLACK_BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
      const error = await client.chat
        .postMessage({ channel: 'C1', text: `deliver to ${ADDRESS}` })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'slack_webapi_platform_error' });
      log.error({ err: error, platform: 'slack' }, 'slack request failed');
      const responseUrl = `${fake.url}/commands/T0123/456789/${RESPONSE_URL_SECRET}`;
      log.warn({ err: new Error(`Failed to respond to ${responseUrl}`), responseUrl }, `posting to ${responseUrl}`);
    } finally {
      await fake.stop();
    }
    const text = output();
    for (const secret of [SLACK_BOT_TOKEN, ADDRESS, RESPONSE_URL_SECRET]) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '{}').err).toMatchObject({
      code: 'slack_webapi_platform_error',
      platformError: 'channel_not_found',
    });
  });

  const nested: readonly [string, object, readonly string[]][] = [
    ['a top-level token', { token: 'top-level-token-value' }, ['top-level-token-value']],
    ['a token two levels down', { request: { options: { token: 'deep-value' } } }, ['deep-value']],
    ['Authorization with a capital A', { headers: { Authorization: 'Bot auth-header-value' } }, ['auth-header-value']],
    ['AUTHORIZATION in upper case', { req: { headers: { AUTHORIZATION: 'upper-auth-value' } } }, ['upper-auth-value']],
    ['a Slack signature header', { headers: { 'X-Slack-Signature': 'v0=slack-sig-value' } }, ['slack-sig-value']],
    [
      'environment secrets',
      { env: { SLACK_SIGNING_SECRET: 'signing-secret-value', DISCORD_TOKEN: BOT_TOKEN } },
      ['signing-secret-value', BOT_TOKEN],
    ],
    [
      'AWS credentials',
      { aws: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'aws-secret-value', sessionToken: 'aws-session-value' } },
      ['aws-secret-value', 'aws-session-value'],
    ],
    ['an api key in an array', { calls: [{ ok: true }, { apiKey: 'api-key-value' }] }, ['api-key-value']],
    ['a Slack token in a free string', { detail: `client built with ${SLACK_APP_TOKEN}` }, [SLACK_APP_TOKEN]],
    [
      'a bearer header written out',
      { detail: 'sent Authorization: Bearer bearer-credential-value' },
      ['bearer-credential-value'],
    ],
    [
      'an address and a phone deep in an order',
      { order: { delivery: { address: ADDRESS, phone: PHONE } } },
      [ADDRESS, PHONE],
    ],
    ['a payment token', { input: { payment: 'tok_visa_payment_value' } }, ['tok_visa_payment_value']],
    ['a request body', { response: { body: `{"address":"${ADDRESS}"}` } }, [ADDRESS]],
    [
      'a Discord webhook url',
      { url: `https://discord.com/api/v10/webhooks/1/${INTERACTION_TOKEN}/messages/@original` },
      [INTERACTION_TOKEN],
    ],
    [
      'a Slack response_url',
      { target: `https://hooks.slack.com/commands/T01/123/${RESPONSE_URL_SECRET}` },
      [RESPONSE_URL_SECRET],
    ],
    [
      'a signed query string',
      { link: 'https://cdn.example/x.csv?ex=1&hm=cdn-signature-value&is=2' },
      ['cdn-signature-value'],
    ],
    ['a Map', { byUser: new Map([['alice', { token: 'token-in-a-map-value' }]]) }, ['token-in-a-map-value']],
    [
      'an error with a secret in its cause',
      { err: new Error('outer', { cause: new Error(`bad ${SLACK_BOT_TOKEN}`) }) },
      [SLACK_BOT_TOKEN],
    ],
  ];

  it.each(nested)('%s is redacted at any depth', (_, fields, secrets) => {
    log.info(fields, 'event');
    const text = output();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('"msg":"event"');
  });

  it('child bindings are redacted too, at any depth', () => {
    log
      .child({ botToken: SLACK_BOT_TOKEN, slack: { appToken: SLACK_APP_TOKEN }, area: 'slack' })
      .child({ headers: { Authorization: `Bearer ${BOT_TOKEN}` } })
      .info({ step: 1 }, 'started');
    const text = output();
    for (const secret of [SLACK_BOT_TOKEN, SLACK_APP_TOKEN, BOT_TOKEN]) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ area: 'slack', step: 1, botToken: '[redacted]' });
  });

  it('keeps counts whose names sound like secrets, and plain fields', () => {
    log.info({ inputTokens: 120, outputTokens: 30, tokenCount: 4, model: 'nova-lite' }, 'usage');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ inputTokens: 120, outputTokens: 30, tokenCount: 4 });
  });

  it('prompts, answers and message text only at debug', () => {
    const fields = { prompt: 'what is my secret plan', answer: 'the plan is x', text: 'hello there friend' };
    log.info(fields, 'asked');
    log.error({ request: fields }, 'asked');
    expect(output()).not.toMatch(/secret plan|plan is x|hello there/);
    debugLog.debug(fields, 'asked');
    expect(lines.at(-1)).toContain('what is my secret plan');
    // Never at debug either: personal data and secrets.
    debugLog.debug({ address: ADDRESS, token: 'debug-token-value' }, 'order');
    expect(lines.at(-1)).not.toMatch(/Lisbon|debug-token-value/);
  });

  it('masks secrets in the message line itself and survives cycles and thrown non-errors', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    log.error({ err: { token: 'thrown-object-token' }, loop }, `PATCH /interactions/42/${INTERACTION_TOKEN}/callback`);
    const text = output();
    expect(text).not.toContain(INTERACTION_TOKEN);
    expect(text).not.toContain('thrown-object-token');
    expect(text).toContain('[circular]');
  });
});
