import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { kbCommand } from '../../commands/kb.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { aCommandContext } from '../support/command-context.ts';
import { knowledgeDepsFor, starterKnowledgeBase } from '../support/kb-fixtures.ts';
import { memoryFile, tinyPdf } from '../support/tiny-pdf.ts';

let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
beforeEach(async () => {
  fixture = await starterKnowledgeBase();
});
afterEach(() => fixture.close());

const staff = () => aCommandContext({ invoker: { isStaff: true }, deps: { knowledge: knowledgeDepsFor(fixture.kb) } });
const run = (values: Record<string, unknown>, ctx = staff()) => runCommand(kbCommand, ctx, values as never);
const errorCode = (reply: Reply) => (reply.kind === 'error' ? reply.code : `not an error: ${JSON.stringify(reply)}`);

describe('/kb', () => {
  it('is registered, and is for staff only: a customer cannot add, list or remove', async () => {
    expect(commands).toContain(kbCommand);
    const customer = aCommandContext({ deps: { knowledge: knowledgeDepsFor(fixture.kb) } });
    for (const action of ['add', 'list', 'remove']) {
      expect(errorCode(await run({ action, file: memoryFile('x.md', '# X\n\ny') }, customer))).toBe('auth.staff_only');
    }
    expect((await fixture.kb.list()).map((d) => d.name)).not.toContain('x.md');
  });

  it('lists the documents with their passages and where they came from', async () => {
    const reply = await run({ action: 'list' });
    expect(reply).toMatchObject({ kind: 'table', columns: ['Document', 'Title', 'Passages', 'From', 'Added'] });
    if (reply.kind !== 'table') return;
    expect(reply.rows.map((r) => r[0])).toEqual([
      'delivery-zones.md',
      'faq.md',
      'menu.md',
      'opening-hours.md',
      'refunds-and-cancellations.md',
    ]);
    expect(reply.footer).toMatch(/^5 documents, \d+ passages · local index \(BM25\)$/);
  });

  it('adds Markdown, HTML and PDF documents that questions find at once, and removes them', async () => {
    const md = await run({
      action: 'add',
      file: memoryFile('Catering.md', '# Catering\n\nWe cater weddings of up to 200 guests.'),
    });
    expect(md).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('Added **catering.md** (“Catering”): 1 passage'),
    });
    const html = await run({
      action: 'add',
      file: memoryFile('parking.html', '<h1>Parking</h1><p>Free parking behind the shop.</p>'),
    });
    expect(html.kind).toBe('text');
    const pdf = await run({
      action: 'add',
      file: memoryFile('allergy-card.pdf', tinyPdf([['Allergy card: ask for the sesame-free bun.']])),
    });
    expect(pdf).toMatchObject({ kind: 'text', text: expect.stringContaining('allergy-card.pdf') });
    const found = await fixture.kb.search({ text: 'sesame-free bun' });
    expect(found.ok && found.value[0]).toMatchObject({ source: 'allergy-card.pdf', section: 'Page 1' });

    expect(await run({ action: 'remove', name: 'parking.html' })).toMatchObject({
      kind: 'text',
      text: 'Removed **parking.html**.',
    });
    const gone = await fixture.kb.search({ text: 'parking' });
    expect(gone.ok && gone.value.some((h) => h.source === 'parking.html')).toBe(false);
  });

  it('answers bad input with a clear error: no file, empty, unreadable, duplicate, unknown name, folder document', async () => {
    expect(errorCode(await run({ action: 'add' }))).toBe('kb.usage');
    expect(errorCode(await run({ action: 'remove' }))).toBe('kb.usage');
    expect(errorCode(await run({ action: 'add', file: memoryFile('empty.md', '') }))).toBe('kb.empty');
    expect(errorCode(await run({ action: 'add', file: memoryFile('scan.pdf', 'garbage') }))).toBe('kb.unreadable');
    expect(errorCode(await run({ action: 'add', file: memoryFile('huge.md', 'a'.repeat(300_000)) }))).toBe(
      'kb.too_large',
    );
    const menu = await import('node:fs/promises').then((fs) => fs.readFile('knowledge/menu.md', 'utf8'));
    const duplicate = await run({ action: 'add', file: memoryFile('menu-copy.md', menu) });
    expect(duplicate).toMatchObject({
      kind: 'error',
      code: 'kb.duplicate',
      message: expect.stringContaining('menu.md'),
    });
    expect(errorCode(await run({ action: 'remove', name: 'nope.md' }))).toBe('kb.not_found');
    expect(errorCode(await run({ action: 'remove', name: 'menu.md' }))).toBe('kb.folder_document');
  });
});
