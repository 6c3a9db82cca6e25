import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalKnowledgeBase } from '../../../adapters/knowledge/local-knowledge-base.ts';
import { prepareDocument } from '../../../src/domain/knowledge/prepare.ts';
import { silentLogger } from '../../../src/ports/logger.ts';

let dir: string;
let folder: string;
const open = () =>
  LocalKnowledgeBase.open({
    dataDir: join(dir, 'data'),
    folder,
    maxBytes: 1_000_000,
    log: silentLogger,
    now: () => new Date('2026-12-04T10:00:00Z'),
  });
const doc = (name: string, markdown: string) => {
  const prepared = prepareDocument(name, { markdown, format: 'markdown', headings: true });
  if (!prepared.ok) throw new Error(prepared.error.message);
  return prepared.value;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-'));
  folder = join(dir, 'knowledge');
  await cp('knowledge', folder, { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('LocalKnowledgeBase', () => {
  it('indexes the starter folder and finds the section that answers', async () => {
    const { kb, sync } = await open();
    expect(sync).toMatchObject({ added: 5, updated: 0, removed: 0, failed: [] });
    const top = async (q: string) => {
      const r = await kb.search({ text: q, limit: 3 });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.map((h) => `${h.source}#${h.section.split(' › ').at(-1)}`);
    };
    expect(await top('is the lasagne gluten free?')).toContain('menu.md#Lasagne');
    expect((await top('do you deliver to Riverside?'))[0]).toBe('delivery-zones.md#South');
    // Portuguese question, stems and accents: "entregam" / "entrega".
    expect(await top('vocês entregam em Riverside?')).toContain('delivery-zones.md#South');
    expect(await top('hello')).toEqual([]);
  });

  it('reports coverage: the share of the question the best hit matched', async () => {
    const { kb } = await open();
    const r = await kb.search({ text: 'tiramisu allergens' });
    expect(r.ok && r.value[0]?.coverage).toBe(1);
  });

  it('rebuilds incrementally: an unchanged folder is not re-indexed, a changed file is, a deleted file leaves', async () => {
    await open();
    expect((await open()).sync).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: 5 });
    await writeFile(join(folder, 'faq.md'), '# FAQ\n\n## Parking\n\nThere is free parking behind the shop.');
    await rm(join(folder, 'opening-hours.md'));
    const { kb, sync } = await open();
    expect(sync).toMatchObject({ added: 0, updated: 1, removed: 1, unchanged: 3 });
    const parking = await kb.search({ text: 'parking' });
    expect(parking.ok && parking.value[0]?.section).toBe('FAQ › Parking');
    const hours = await kb.search({ text: 'opening hours Sunday' });
    expect(hours.ok && hours.value.some((h) => h.source === 'opening-hours.md')).toBe(false);
  });

  it('adds, lists and removes uploads; refuses duplicates, taken names and folder documents', async () => {
    const { kb } = await open();
    const added = await kb.add(doc('catering.md', '# Catering\n\nWe cater weddings of up to 200 guests.'));
    expect(added.ok && added.value).toMatchObject({ name: 'catering.md', origin: 'upload', chunks: 1 });
    const found = await kb.search({ text: 'wedding catering' });
    expect(found.ok && found.value[0]?.source).toBe('catering.md');

    const again = await kb.add(doc('copy.md', '# Catering\n\nWe cater weddings of up to 200 guests.'));
    expect(!again.ok && again.error).toMatchObject({
      code: 'kb.duplicate',
      message: expect.stringContaining('catering.md'),
    });
    const taken = await kb.add(doc('menu.md', '# Other menu\n\nSoup.'));
    expect(!taken.ok && taken.error.code).toBe('kb.name_taken');
    const folderDoc = await kb.remove('menu.md');
    expect(!folderDoc.ok && folderDoc.error.code).toBe('kb.folder_document');
    const unknown = await kb.remove('nope.md');
    expect(!unknown.ok && unknown.error.code).toBe('kb.not_found');

    expect((await kb.list()).map((d) => d.name)).toContain('catering.md');
    const removed = await kb.remove('catering.md');
    expect(removed.ok).toBe(true);
    const gone = await kb.search({ text: 'wedding catering' });
    expect(gone.ok && gone.value.some((h) => h.source === 'catering.md')).toBe(false);
  });

  it('keeps uploads across restarts, and rebuilds an unreadable index from the folder and the uploads', async () => {
    const first = await open();
    await first.kb.add(doc('catering.md', '# Catering\n\nWe cater weddings.'));
    const second = await open();
    expect((await second.kb.list()).map((d) => d.name)).toContain('catering.md');
    await writeFile(join(dir, 'data', 'index.json'), '{"version": 1, "documents": tru');
    const rebuilt = await open();
    expect(rebuilt.sync.added).toBe(5);
    const found = await rebuilt.kb.search({ text: 'weddings' });
    expect(found.ok && found.value[0]?.source).toBe('catering.md');
    expect(JSON.parse(await readFile(join(dir, 'data', 'index.json'), 'utf8')).version).toBe(1);
  });

  it('serializes concurrent uploads: two different documents both land, the same one twice lands once', async () => {
    const { kb } = await open();
    const results = await Promise.all([
      kb.add(doc('a.md', '# A\n\nAlpha text.')),
      kb.add(doc('b.md', '# B\n\nBeta text.')),
      kb.add(doc('a2.md', '# A\n\nAlpha text.')),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect((await kb.list()).filter((d) => d.origin === 'upload')).toHaveLength(2);
  });
});
