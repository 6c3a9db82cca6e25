import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { blockText, type Harness, interactionBody, postSigned, slashBody, startHarness } from './harness.ts';

const steps = defineCommand({
  name: 'steps',
  description: 'Reports progress many times',
  visibility: 'public',
  options: { count: { type: 'integer', description: 'How many steps', min: 1, max: 100 } },
  async run(ctx, { count }) {
    for (let i = 1; i <= count; i++) ctx.reply.progress(text(`step ${i} of ${count}`));
    return text(`**done** after ${count} steps`, { title: 'Steps', footer: 'took no time' });
  },
});

const slow = defineCommand({
  name: 'slow',
  description: 'Reports progress over about a second',
  visibility: 'public',
  options: {},
  async run(ctx) {
    for (let i = 1; i <= 20; i++) {
      ctx.reply.progress(text(`tick ${i}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    return text('slow done');
  },
});

const report = defineCommand({
  name: 'report',
  description: 'A table, a footer and a file',
  visibility: 'public',
  options: {},
  async run(ctx) {
    const key = await ctx.reply.threadKey();
    return {
      kind: 'composite',
      parts: [
        { kind: 'table', title: 'Scores', columns: ['model', 'accuracy'], rows: [['nova-lite', '0.91']] },
        text(`thread ${key}`),
      ],
      files: [{ name: 'results.csv', contentType: 'text/csv', data: new TextEncoder().encode('a,b\n1,2\n') }],
    };
  },
});

const essay = defineCommand({
  name: 'essay',
  description: 'A long answer',
  visibility: 'public',
  options: {},
  run: async () => text(Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ')),
});

const boom = defineCommand({
  name: 'boom',
  description: 'Fails unexpectedly',
  visibility: 'public',
  options: {},
  async run() {
    throw new Error('kaboom');
  },
});

const secret = defineCommand({
  name: 'secret',
  description: 'Only for the invoker',
  visibility: 'ephemeral',
  options: { topic: { type: 'string', description: 'Topic' } },
  async run(ctx, { topic }) {
    ctx.reply.progress(text('never shown'));
    return text(`psst about ${topic} for ${ctx.invoker.user} staff=${ctx.invoker.isStaff}`);
  },
});

const restock = defineCommand({
  name: 'restock',
  description: 'Staff only',
  visibility: 'public',
  staffOnly: true,
  options: {},
  run: async () => text('restocked'),
});

const waiter = defineCommand({
  name: 'waiter',
  description: 'Waits to be cancelled',
  visibility: 'public',
  options: {},
  async run(ctx) {
    ctx.reply.progress(text('waiting for cancel'), { cancellable: true });
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    return text('Cancelled as asked');
  },
});

const discordOnly = defineCommand({
  name: 'join',
  description: 'Voice only',
  visibility: 'public',
  surfaces: ['discord', 'web'],
  options: {},
  run: async () => text('joined'),
});

const updatesOf = (h: Harness, channel = 'C1') =>
  h.fake.callsTo('chat.update').filter((c) => c.args.channel === channel);
const finalUpdate = (h: Harness, needle: string) =>
  h.fake.waitFor(() => updatesOf(h).find((c) => blockText(c.args).includes(needle)), `an update with “${needle}”`);

describe('Slack slash commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([steps, slow, report, essay, boom, secret, restock, waiter, discordOnly], {
      staffUsers: ['T1/U9'],
    });
  });
  afterAll(async () => h.close());

  it('acks at once, posts a placeholder, coalesces progress and ends with the final blocks', async () => {
    const before = h.fake.calls.length;
    expect((await postSigned(h.eventsUrl, slashBody(h.fake, 'steps', 'count:50'))).status).toBe(200);
    const final = await finalUpdate(h, 'after 50 steps');
    const mine = h.fake.calls.slice(before);
    const post = mine.find((c) => c.method === 'chat.postMessage');
    expect(blockText(post?.args ?? {})).toContain('Working on it');
    expect(blockText(post?.args ?? {})).toContain('<@U1> used `/steps count:50`');
    const edits = mine.filter((c) => c.method === 'chat.update');
    // 50 synchronous progress reports: at most one progress edit (the latest) plus the final one.
    expect(edits.length).toBeLessThanOrEqual(2);
    const shown = edits.map((e) => blockText(e.args)).join('\n');
    expect(shown).not.toMatch(/step (\d|[1-4]\d) of 50/);
    const blocks = final.args.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(['context', 'header', 'section', 'context']);
    expect(blockText(final.args)).toContain('*done* after 50 steps');
    expect(final.args.ts).toMatch(/^1700000000\.\d{6}$/);
    expect(String(final.args.text).length).toBeLessThanOrEqual(4000);
  });

  it('edits at most about once per 1.2 s while a command reports over time', async () => {
    const before = h.fake.calls.length;
    await postSigned(h.eventsUrl, slashBody(h.fake, 'slow', ''));
    await finalUpdate(h, 'slow done');
    const edits = h.fake.calls.slice(before).filter((c) => c.method === 'chat.update');
    // 20 reports over about 1 s: the first edit, then one more at most per 1.2 s, then the final render.
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThanOrEqual(4);
  });

  it('renders tables as code blocks, gives the thread key and uploads files into the thread', async () => {
    await postSigned(h.eventsUrl, slashBody(h.fake, 'report', ''));
    const final = await finalUpdate(h, 'Scores');
    expect(blockText(final.args)).toContain('```\\nmodel      accuracy');
    expect(blockText(final.args)).toContain(`thread slack:C1/${String(final.args.ts)}`);
    const complete = await h.fake.waitFor(() => h.fake.callsTo('files.completeUploadExternal')[0], 'upload completion');
    expect(complete.args.channel_id).toBe('C1');
    expect(complete.args.thread_ts).toBe(final.args.ts);
    expect(h.fake.uploads[0]?.bytes.toString('utf8')).toContain('a,b\n1,2');
  });

  it('splits a long answer: the first part replaces the placeholder, the rest follows in its thread', async () => {
    await postSigned(h.eventsUrl, slashBody(h.fake, 'essay', ''));
    const first = await finalUpdate(h, 'word0 ');
    const rest = await h.fake.waitFor(
      () => h.fake.callsTo('chat.postMessage').find((c) => blockText(c.args).includes('word1999')),
      'the last part',
    );
    expect(rest.args.thread_ts).toBe(first.args.ts);
    expect(String(first.args.text).length).toBeLessThanOrEqual(4000);
  });

  it('answers a failure before any work with the reference id, to the invoker alone', async () => {
    await postSigned(h.eventsUrl, slashBody(h.fake, 'boom', ''));
    const response = await h.fake.waitFor(
      () => h.fake.responses.find((r) => JSON.stringify(r.body.blocks).includes('Something went wrong')),
      'the private error',
    );
    expect(response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(response.body.blocks)).toMatch(/Reference: `[0-9a-f]{8}`/);
    expect(JSON.stringify(response.body.blocks)).not.toContain('kaboom');
    // The public placeholder is removed rather than turned into the error.
    expect(h.fake.callsTo('chat.delete').at(-1)?.args).toMatchObject({ channel: 'C1', ts: expect.any(String) });
  });

  it('answers bad arguments ephemerally with the error and the usage line, running nothing', async () => {
    const before = h.fake.calls.length;
    const count = h.fake.responses.length;
    await postSigned(h.eventsUrl, slashBody(h.fake, 'steps', 'count:lots'));
    const response = await h.fake.waitFor(() => h.fake.responses[count], 'the ephemeral response');
    expect(response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(response.body.blocks)).toContain('must be a whole number');
    expect(JSON.stringify(response.body.blocks)).toContain('`Usage: /steps count:&lt;integer&gt;`');
    expect(h.fake.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('refuses a misspelled option with the closest one, in code style, and the usage line', async () => {
    const before = h.fake.responses.length;
    await postSigned(h.eventsUrl, slashBody(h.fake, 'steps', 'cuont:3'));
    const response = await h.fake.waitFor(() => h.fake.responses[before], 'the ephemeral response');
    const blocks = JSON.stringify(response.body.blocks);
    expect(blocks).toContain('/steps has no option `cuont` (did you mean `count`?).');
    expect(blocks).toContain('`Usage: /steps count:&lt;integer&gt;`');
  });

  it('shows usage for `help` and for empty text when options are required', async () => {
    const count = h.fake.responses.length;
    await postSigned(h.eventsUrl, slashBody(h.fake, 'steps', ''));
    await postSigned(h.eventsUrl, slashBody(h.fake, 'secret', 'help'));
    await h.fake.waitFor(() => h.fake.responses.length >= count + 2, 'two usage answers');
    const texts = h.fake.responses.slice(count).map((r) => JSON.stringify(r.body.blocks));
    expect(texts.some((t) => t.includes('Usage: /steps count:&lt;integer&gt;'))).toBe(true);
    expect(texts.some((t) => t.includes('Usage: /secret topic:&lt;string&gt;'))).toBe(true);
  });

  it('answers ephemeral commands through response_url only, with the slack:T/U user scheme', async () => {
    const before = h.fake.calls.length;
    await postSigned(h.eventsUrl, slashBody(h.fake, 'secret', 'launch', 'U9'));
    const response = await h.fake.waitFor(
      () => h.fake.responses.find((r) => JSON.stringify(r.body).includes('psst about launch')),
      'the ephemeral answer',
    );
    expect(response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(response.body.blocks)).toContain('for slack:T1/U9 staff=true');
    expect(h.fake.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('makes staff per workspace: the staff user id of T1 is not staff in T2', async () => {
    await postSigned(h.eventsUrl, slashBody(h.fake, 'secret', 'other-team', 'U9', 'T2'));
    const response = await h.fake.waitFor(
      () => h.fake.responses.find((r) => JSON.stringify(r.body).includes('psst about other-team')),
      'the answer in T2',
    );
    expect(JSON.stringify(response.body.blocks)).toContain('for slack:T2/U9 staff=false');
  });

  it('refuses staff-only commands to others, privately', async () => {
    await postSigned(h.eventsUrl, slashBody(h.fake, 'restock', '', 'U1'));
    const response = await h.fake.waitFor(
      () => h.fake.responses.find((r) => JSON.stringify(r.body).includes('for staff only')),
      'the refusal',
    );
    expect(response.body.response_type).toBe('ephemeral');
  });

  it('registers no Slack command for commands limited to other surfaces', async () => {
    const response = await postSigned(h.eventsUrl, slashBody(h.fake, 'join', ''));
    // Bolt finds no listener: it never acks, so the receiver answers after its own timeout, not with our code.
    expect(response.status).not.toBe(200);
  });

  it('cancels from the button, only for the invoker', async () => {
    await postSigned(h.eventsUrl, slashBody(h.fake, 'waiter', '', 'U1'));
    const progress = await finalUpdate(h, 'waiting for cancel');
    const button = (progress.args.blocks as { type: string; elements?: { action_id: string }[] }[]).find(
      (b) => b.type === 'actions',
    )?.elements?.[0];
    expect(button?.action_id).toMatch(/^cancel:trigger-/);
    const press = (user: string) =>
      postSigned(
        h.eventsUrl,
        interactionBody({
          type: 'block_actions',
          team: { id: 'T1' },
          user: { id: user, team_id: 'T1' },
          channel: { id: 'C1' },
          api_app_id: 'A1',
          trigger_id: 'trigger-press',
          response_url: `${h.fake.url}/respond/press`,
          message: { ts: progress.args.ts },
          actions: [{ type: 'button', action_id: button?.action_id, value: 'x', action_ts: '1' }],
        }),
      );
    expect((await press('U2')).status).toBe(200);
    const refusal = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').at(-1), 'the refusal');
    expect(refusal.args.text).toBe('Only <@U1> can cancel this.');
    expect((await press('U1')).status).toBe(200);
    await finalUpdate(h, 'Cancelled as asked');
  });

  it('falls back to response_url when the bot is not in the channel', async () => {
    h.fake.fail('chat.postMessage', 'not_in_channel');
    try {
      await postSigned(h.eventsUrl, slashBody(h.fake, 'report', ''));
      const response = await h.fake.waitFor(
        () => h.fake.responses.find((r) => JSON.stringify(r.body).includes('Scores')),
        'the in_channel fallback',
      );
      expect(response.body.response_type).toBe('in_channel');
      const note = await h.fake.waitFor(
        () => h.fake.responses.find((r) => JSON.stringify(r.body).includes('invite me')),
        'the files note',
      );
      expect(note).toBeDefined();
    } finally {
      h.fake.fail('chat.postMessage', '');
    }
  });

  it('never uses a response_url more than 5 times: a long fallback answer ends with a note', async () => {
    h.fake.fail('chat.postMessage', 'not_in_channel');
    try {
      const body = slashBody(h.fake, 'essay', '');
      const id = new URLSearchParams(body).get('response_url')?.split('/').at(-1);
      await postSigned(h.eventsUrl, body);
      const mine = () => h.fake.responses.filter((r) => r.id === id);
      await h.fake.waitFor(
        () => mine().some((r) => JSON.stringify(r.body).includes('too long to show')),
        'the cut note',
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(mine().length).toBeLessThanOrEqual(5);
    } finally {
      h.fake.fail('chat.postMessage', '');
    }
  });

  it('says where the result is when Slack refuses its files', async () => {
    h.fake.fail('files.getUploadURLExternal', 'file_uploads_disabled');
    try {
      await postSigned(h.eventsUrl, slashBody(h.fake, 'report', ''));
      const note = await h.fake.waitFor(
        () => h.fake.callsTo('chat.postMessage').find((c) => String(c.args.text).includes('could not be uploaded')),
        'the files note',
      );
      expect(note.args.text).toContain('results.csv');
      expect(note.args.thread_ts).toBeDefined();
    } finally {
      h.fake.fail('files.getUploadURLExternal', '');
    }
  });
});
