import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureCoordinationTable } from '../../../adapters/aws/dynamo-coordination-table.ts';
import { DynamoDeliveryClaims } from '../../../adapters/aws/dynamo-delivery-claims.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import { defineCommand, type MessageHandler } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { FakeSlackApi } from './fake-slack-api.ts';
import {
  blockText,
  eventBody,
  type Harness,
  postSigned,
  SIGNING_SECRET,
  sign,
  slashBody,
  startHarness,
} from './harness.ts';

/**
 * Two bot replicas behind one (imaginary) load balancer: two real SlackSurfaces in HTTP mode on their own
 * 127.0.0.1 ports, claiming deliveries in one shared store (embedded dynalite, as DynamoDB in the cloud).
 */
const runs: string[] = [];
const handler: MessageHandler = {
  name: 'test',
  async handle(_ctx, message) {
    runs.push(message);
    return text(`answer to ${message}`);
  },
};
const echo = defineCommand({
  name: 'echo',
  description: 'Says it back',
  visibility: 'public',
  options: { words: { type: 'string', description: 'What to say' } },
  async run(_ctx, { words }) {
    runs.push(`/echo ${words}`);
    return text(`you said ${words}`);
  },
});

const json = { contentType: 'application/json' };
const retry = (n: number) => ({
  ...json,
  headers: { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' },
});
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('Slack HTTP mode across two replicas sharing one store', () => {
  let dynamo: EmbeddedDynamo;
  let fake: FakeSlackApi;
  let a: Harness;
  let b: Harness;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    fake = new FakeSlackApi();
    await fake.start();
    const replica = async () => {
      const { client, doc } = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint });
      clients.push(client);
      await ensureCoordinationTable(client, 'coordination');
      const deliveryClaims = new DynamoDeliveryClaims(doc, { tableName: 'coordination' });
      return startHarness([echo], { handlers: [handler], fake, deliveryClaims });
    };
    a = await replica();
    b = await replica();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fake?.stop();
    for (const c of clients) c.destroy();
    await dynamo?.close();
  });
  beforeEach(() => {
    runs.length = 0;
  });

  const mention = (words: string, ts: string) =>
    eventBody({ type: 'app_mention', user: 'U1', text: `<@UBOT> ${words}`, ts, channel: 'C1', event_ts: ts });
  const answered = (needle: string) =>
    fake.waitFor(
      () => fake.callsTo('chat.postMessage').find((c) => blockText(c.args).includes(needle)),
      `an answer with “${needle}”`,
    );

  it('listens on two different loopback ports', () => {
    expect(a.eventsUrl).not.toBe(b.eventsUrl);
  });

  it('runs an event once when Slack retries it on the other replica', async () => {
    const body = mention('first try', '1700001000.000001');
    expect((await postSigned(a.eventsUrl, body, json)).status).toBe(200);
    await answered('answer to first try');
    // Slack saw no ack in 3 s (say A was slow) and retries, through the balancer, on B: B acks and drops it.
    expect((await postSigned(b.eventsUrl, body, retry(1))).status).toBe(200);
    expect((await postSigned(a.eventsUrl, body, retry(2))).status).toBe(200);
    await settle();
    expect(runs).toEqual(['first try']);
  });

  it('runs an event once when both replicas receive it at the same moment', async () => {
    const body = mention('at once', '1700001000.000002');
    const statuses = await Promise.all([
      postSigned(a.eventsUrl, body, json).then((r) => r.status),
      postSigned(b.eventsUrl, body, retry(1)).then((r) => r.status),
    ]);
    expect(statuses).toEqual([200, 200]);
    await answered('answer to at once');
    await settle();
    expect(runs).toEqual(['at once']);
  });

  it('runs a retry whose first delivery reached no replica (it died before reading it)', async () => {
    const body = mention('lost first', '1700001000.000003');
    expect((await postSigned(b.eventsUrl, body, retry(1))).status).toBe(200);
    await answered('answer to lost first');
    expect((await postSigned(a.eventsUrl, body, retry(2))).status).toBe(200);
    await settle();
    expect(runs).toEqual(['lost first']);
  });

  it('runs a slash command once when the same trigger reaches both replicas, answering both with 200', async () => {
    const body = slashBody(fake, 'echo', 'twice?');
    expect((await postSigned(a.eventsUrl, body)).status).toBe(200);
    expect((await postSigned(b.eventsUrl, body)).status).toBe(200);
    await fake.waitFor(
      () => fake.callsTo('chat.update').find((c) => blockText(c.args).includes('you said twice?')),
      'the final edit',
    );
    await settle();
    expect(runs).toEqual(['/echo twice?']);
  });

  it('refuses a badly signed request on either replica and runs nothing', async () => {
    const body = mention('forged', '1700001000.000004');
    const timestamp = Math.floor(Date.now() / 1000);
    const forged = { ...json, timestamp, signature: sign(body, timestamp, `${SIGNING_SECRET}-wrong`) };
    expect((await postSigned(a.eventsUrl, body, forged)).status).toBe(401);
    expect((await postSigned(b.eventsUrl, body, forged)).status).toBe(401);
    await settle();
    expect(runs).toEqual([]);
    // A forged copy claims nothing: the genuine delivery of that event still runs.
    expect((await postSigned(b.eventsUrl, body, json)).status).toBe(200);
    await answered('answer to forged');
    expect(runs).toEqual(['forged']);
  });
});
