import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskKeptResults } from '../../../adapters/results/disk-kept-results.ts';
import { resultCommand } from '../../../commands/result.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { runCommand } from '../../../src/chat/dispatcher.ts';
import { type CompositeReply, keptOf, type Reply, text } from '../../../src/chat/reply.ts';
import { userId } from '../../../src/domain/ids.ts';
import { aCommandContext } from '../../support/command-context.ts';

const HOUR = 3_600_000;
const csv = new TextEncoder().encode('id,label\n1,a\n2,b\n');
const finished: CompositeReply = {
  kind: 'composite',
  parts: [{ kind: 'table', title: 'Scores', columns: ['class', 'f1'], rows: [['a', '1.00']] }],
  files: [{ name: 'results.csv', contentType: 'text/csv', data: csv, description: 'Every row' }],
};
const bench = defineCommand({
  name: 'bench',
  description: 'b',
  visibility: 'public',
  keepsResult: true,
  options: {},
  run: async () => finished,
});

let dir: string;
let now: Date;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kept-'));
  now = new Date('2026-12-04T05:00:00Z');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ctxFor = (user: string, store = new DiskKeptResults(dir)) =>
  aCommandContext({
    invoker: { user: userId('discord', user) },
    deps: { now: () => now, results: { store, keepForMs: 24 * HOUR } },
  });

describe('kept results', () => {
  it('keeps a finished /bench result, says how to fetch it, and /result shows it again to its owner only', async () => {
    const shown = await runCommand(bench, ctxFor('alice'), {});
    const kept = keptOf(shown);
    expect(kept).toEqual({ id: expect.stringMatching(/^r-[0-9a-f]{10}$/), until: '2026-12-05T05:00:00.000Z' });
    expect(JSON.stringify(shown)).toContain(`Kept until 5 Dec 05:00 UTC: /result id:${kept?.id}`);

    const again = await runCommand(resultCommand, ctxFor('alice'), { id: kept?.id ?? '' });
    expect(again).toMatchObject({ kind: 'composite', parts: finished.parts, kept });
    const files = again.kind === 'composite' ? (again.files ?? []) : [];
    expect(files.map((f) => [f.name, f.description, Buffer.from(f.data).toString()])).toEqual([
      ['results.csv', 'Every row', 'id,label\n1,a\n2,b\n'],
    ]);

    const listed = await runCommand(resultCommand, ctxFor('alice'), {});
    expect(listed).toMatchObject({ kind: 'text', title: 'Your kept results' });
    expect(JSON.stringify(listed)).toContain(`/result id:${kept?.id}`);

    const stranger = await runCommand(resultCommand, ctxFor('mallory'), { id: kept?.id ?? '' });
    expect(stranger).toMatchObject({ kind: 'error', code: 'result.not_found' });
    expect(await runCommand(resultCommand, ctxFor('mallory'), {})).toMatchObject({
      text: expect.stringContaining('no kept results'),
    });
  });

  it('forgets a result after its time, deleting it from disk', async () => {
    const kept = keptOf(await runCommand(bench, ctxFor('alice'), {}));
    now = new Date(now.getTime() + 25 * HOUR);
    expect(await runCommand(resultCommand, ctxFor('alice'), { id: kept?.id ?? '' })).toMatchObject({
      code: 'result.not_found',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('never builds a path from an id that is not one of ours', async () => {
    for (const id of ['../../etc/passwd', 'r-../../x', 'r-0123456789/..']) {
      expect(await runCommand(resultCommand, ctxFor('alice'), { id })).toMatchObject({ code: 'result.not_found' });
    }
  });

  it('keeps only what is worth keeping, and still delivers when keeping fails', async () => {
    const short = defineCommand({ ...bench, run: async (): Promise<Reply> => text('short answer') });
    expect(keptOf(await runCommand(short, ctxFor('alice'), {}))).toBeUndefined();
    const broken = new DiskKeptResults(dir);
    broken.keep = async () => Promise.reject(new Error('ENOSPC: no space left on device'));
    const ctx = ctxFor('alice', broken);
    expect(await runCommand(bench, ctx, {})).toEqual(finished);
  });
});
