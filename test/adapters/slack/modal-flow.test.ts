import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { blockText, type Harness, interactionBody, postSigned, slashBody, startHarness } from './harness.ts';

const bench = defineCommand({
  name: 'bench',
  description: 'Score an attached CSV',
  visibility: 'public',
  options: {
    file: { type: 'attachment', description: 'The CSV file', extensions: ['csv', 'xlsx'] },
    mode: {
      type: 'string',
      description: 'What to do',
      choices: [
        { name: 'Score', value: 'score' },
        { name: 'Run', value: 'run' },
      ],
    },
    rows: { type: 'integer', description: 'Rows to read', required: false, min: 1 },
  },
  async run(ctx, { file, mode }) {
    let body = '';
    for await (const chunk of file.open(ctx.signal)) body += new TextDecoder().decode(chunk);
    const lines = body.trim().split('\n').length;
    return text(`${mode}: ${file.name} has ${lines} lines, first “${body.split('\n')[0]}”`);
  },
});

interface View {
  readonly callback_id: string;
  readonly private_metadata: string;
  readonly blocks: { block_id?: string; element?: Record<string, unknown> }[];
}

const submission = (h: Harness, view: View, file: { name: string; size: number }, mode = 'score') =>
  interactionBody({
    type: 'view_submission',
    team: { id: 'T1' },
    user: { id: 'U1', team_id: 'T1', name: 'alice' },
    api_app_id: 'A1',
    trigger_id: 'trigger-modal',
    view: {
      id: `V-${file.name}-${mode}`,
      team_id: 'T1',
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      blocks: view.blocks,
      state: {
        values: {
          'opt:file': {
            value: {
              type: 'file_input',
              files: [
                {
                  id: 'F1',
                  name: file.name,
                  size: file.size,
                  mimetype: 'text/csv',
                  url_private_download: `${h.fake.url}/files/${file.name}`,
                },
              ],
            },
          },
          'opt:mode': { value: { type: 'static_select', selected_option: { value: mode } } },
          'opt:rows': { value: { type: 'number_input', value: null } },
        },
      },
      hash: 'h',
    },
  });

describe('Slack form for commands with a file', () => {
  let h: Harness;
  let view: View;
  beforeAll(async () => {
    h = await startHarness([bench]);
    h.fake.files.set('data.csv', Buffer.from('prediction,expected\na,a\nb,c\n'));
    h.fake.files.set('notes.txt', Buffer.from('hello'));
  });
  afterAll(async () => h.close());

  it('opens a modal with a file input and the other options, pre-filled from the typed text', async () => {
    expect((await postSigned(h.eventsUrl, slashBody(h.fake, 'bench', 'mode:score'))).status).toBe(200);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0], 'views.open');
    expect(open.args.trigger_id).toMatch(/^trigger-/);
    view = open.args.view as View;
    const byId = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element]));
    expect(byId['opt:file']).toMatchObject({ type: 'file_input', filetypes: ['csv', 'xlsx'], max_files: 1 });
    expect(byId['opt:mode']).toMatchObject({ type: 'static_select', initial_option: { value: 'score' } });
    expect(byId['opt:rows']).toMatchObject({ type: 'number_input', is_decimal_allowed: false, min_value: '1' });
    expect(JSON.parse(view.private_metadata)).toEqual({ command: 'bench', channel: 'C1', team: 'T1' });
  });

  it('keeps the form open with a message under the field for a wrong file type', async () => {
    const response = await postSigned(h.eventsUrl, submission(h, view, { name: 'notes.txt', size: 5 }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors['opt:file']).toContain('is not a .csv or .xlsx file');
    expect(body.errors['opt:file']).not.toContain('`');
  });

  it('refuses a file over the size limit before downloading it', async () => {
    const response = await postSigned(h.eventsUrl, submission(h, view, { name: 'data.csv', size: 30 * 1024 * 1024 }));
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors['opt:file']).toContain('over the 25 MB limit');
  });

  it('on submit downloads the file with the bot token and answers in the channel it came from', async () => {
    const response = await postSigned(h.eventsUrl, submission(h, view, { name: 'data.csv', size: 30 }));
    expect(response.status).toBe(200);
    const final = await h.fake.waitFor(
      () => h.fake.callsTo('chat.update').find((c) => blockText(c.args).includes('has 3 lines')),
      'the answer',
    );
    expect(final.args.channel).toBe('C1');
    expect(blockText(final.args)).toContain('score: data.csv has 3 lines, first “prediction,expected”');
    expect(blockText(final.args)).toContain('<@U1> used `/bench`');
  });
});
