import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { type Harness, postSigned, sign, slashBody, startHarness } from './harness.ts';

let runs = 0;
const echo = defineCommand({
  name: 'echo',
  description: 'Says it back',
  visibility: 'public',
  options: { words: { type: 'string', description: 'What to say' } },
  async run(_ctx, { words }) {
    runs += 1;
    return text(`you said ${words}`);
  },
});

describe('Slack HTTP receiver (real Bolt, real signatures)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([echo]);
  });
  afterAll(async () => h.close());

  it('accepts a correctly signed slash command and runs it', async () => {
    const response = await postSigned(h.eventsUrl, slashBody(h.fake, 'echo', 'hello'));
    expect(response.status).toBe(200);
    const update = await h.fake.waitFor(
      () => h.fake.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('you said hello')),
      'the final chat.update',
    );
    expect(update.authorization).toBe('Bearer xoxb-test');
    expect(runs).toBe(1);
  });

  it('rejects a bad signature with 401 and runs nothing', async () => {
    const body = slashBody(h.fake, 'echo', 'forged');
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await postSigned(h.eventsUrl, body, { signature: sign(body, timestamp, 'wrong-secret') });
    expect(response.status).toBe(401);
  });

  it('rejects a body altered after signing', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = slashBody(h.fake, 'echo', 'original');
    const response = await postSigned(h.eventsUrl, body.replace('original', 'altered'), {
      timestamp,
      signature: sign(body, timestamp),
    });
    expect(response.status).toBe(401);
  });

  it('rejects a request without a signature', async () => {
    const response = await postSigned(h.eventsUrl, slashBody(h.fake, 'echo', 'unsigned'), { signature: null });
    expect(response.status).toBe(401);
  });

  it('rejects a stale request (signed more than 5 minutes ago), even with a valid signature', async () => {
    const response = await postSigned(h.eventsUrl, slashBody(h.fake, 'echo', 'replayed'), {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(response.status).toBe(401);
  });

  it('ran the command only for the valid request', async () => {
    // Give any wrongly accepted request time to reach the command before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1);
    const said = h.fake.calls.map((c) => JSON.stringify(c.args)).join('\n');
    expect(said).not.toMatch(/forged|altered|unsigned|replayed/);
  });
});
