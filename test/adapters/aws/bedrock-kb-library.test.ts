import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BedrockKbLibrary } from '../../../adapters/aws/bedrock-kb-library.ts';
import type { LocalKnowledgeBase } from '../../../adapters/knowledge/local-knowledge-base.ts';
import { prepareDocument } from '../../../src/domain/knowledge/prepare.ts';
import type { NewKbDocument } from '../../../src/domain/knowledge/types.ts';
import { type FakeAwsJson, startFakeAwsJson } from '../../support/fake-aws-json.ts';
import { awsKbLibrary, ingestionService, JOBS } from '../../support/fake-kb-aws.ts';
import { type BucketView, type FakeS3, startFakeS3 } from '../../support/fake-s3.ts';
import { starterKnowledgeBase } from '../../support/kb-fixtures.ts';

let s3: FakeS3;
let docs: BucketView;
let agent: FakeAwsJson;
let local: { kb: LocalKnowledgeBase; close(): Promise<void> };
let library: BedrockKbLibrary;
let service: ReturnType<typeof ingestionService>;

beforeAll(async () => {
  s3 = await startFakeS3();
  docs = s3.bucket('kb-docs');
  agent = await startFakeAwsJson('http1');
});
afterAll(async () => {
  await s3.close();
  await agent.close();
});
beforeEach(async () => {
  docs.clear();
  agent.requests.length = 0;
  service = ingestionService();
  agent.setHandler(service.handle);
  local = await starterKnowledgeBase();
  library = awsKbLibrary(local.kb, { s3: s3.endpoint, agent: agent.endpoint });
});
afterEach(() => local.close());

function doc(name: string, markdown: string): NewKbDocument {
  const prepared = prepareDocument(name, { markdown, format: 'markdown', headings: true });
  if (!prepared.ok) throw new Error(prepared.error.message);
  return prepared.value;
}
const specials = doc(
  'specials-week-49.md',
  '# Specials\n\n## Pumpkin lasagne\n\nGluten free pasta, contains milk.\n\n## Chestnut soup\n\nVegan.\n',
);
const objectsOf = (folder: string) =>
  docs
    .keys()
    .filter((k) => k.startsWith(folder))
    .sort();

describe('BedrockKbLibrary: /kb add and remove mirrored to S3 and a Bedrock KB ingestion job', () => {
  it('add uploads one object per chunk with its metadata file, then starts an ingestion job', async () => {
    const added = await library.add(specials);
    expect(added.ok).toBe(true);
    const keys = objectsOf('chunks/specials-week-49.md/');
    expect(keys).toHaveLength(specials.chunks.length * 2);
    const first = docs.get('chunks/specials-week-49.md/0000.md');
    expect(first).toBe(specials.chunks[0]?.text);
    const meta = JSON.parse(docs.get('chunks/specials-week-49.md/0000.md.metadata.json') ?? '{}');
    expect(meta).toEqual({
      metadataAttributes: { source: 'specials-week-49.md', section: specials.chunks[0]?.section },
    });
    expect(s3.requests.every((r) => r.path.startsWith('/kb-docs/'))).toBe(true); // path-style addressing
    expect(agent.requests.at(-1)).toMatchObject({ method: 'PUT', path: JOBS });
    expect((await library.list()).map((d) => d.name)).toContain('specials-week-49.md');
  });

  it('remove deletes every object of the document (past a listing page) and re-syncs', async () => {
    await library.add(specials);
    for (let i = 0; i < 1005; i++) docs.set(`chunks/specials-week-49.md/x${i}`, '');
    docs.set('chunks/menu.md/0000.md', 'kept');
    const removed = await library.remove('specials-week-49.md');
    expect(removed.ok).toBe(true);
    expect(objectsOf('chunks/specials-week-49.md/')).toEqual([]);
    expect(objectsOf('manifest/specials-week-49.md/')).toEqual([]);
    expect(docs.has('chunks/menu.md/0000.md')).toBe(true);
    expect(service.jobs).toHaveLength(2);
    expect((await library.list()).map((d) => d.name)).not.toContain('specials-week-49.md');
  });

  it('a failed upload leaves neither the document in the list nor any of its objects in S3', async () => {
    s3.failNext((method) => method === 'PUT', 'InternalError', 500);
    const added = await library.add(specials);
    expect(!added.ok && added.error).toMatchObject({
      code: 'kb.upload_failed',
      message: expect.stringContaining('specials-week-49.md'),
    });
    expect((await library.list()).map((d) => d.name)).not.toContain('specials-week-49.md');
    expect(objectsOf('chunks/specials')).toEqual([]);
    expect(objectsOf('manifest/specials')).toEqual([]);
    expect(service.jobs).toHaveLength(0);
  });

  it('a failed delete is finished at the next change (no object of a removed document stays)', async () => {
    await library.add(specials);
    // S3 refuses the next 6 deletes: at the removal and at the retry before its ingestion job.
    for (let i = 0; i < 6; i++) s3.failNext((method) => method === 'DELETE', 'SlowDown', 503);
    expect((await library.remove('specials-week-49.md')).ok).toBe(true);
    expect(objectsOf('chunks/specials-week-49.md/').length).toBeGreaterThan(0);
    await library.add(doc('hours.md', '# Hours\n\nOpen every day from 11:00 to 23:00.\n'));
    expect(objectsOf('chunks/specials-week-49.md/')).toEqual([]);
  });

  it('list shows the latest job; a change during a running job re-syncs once that job has ended', async () => {
    expect((await library.status()).ok && (await library.status())).toMatchObject({ ok: true, value: undefined });
    await library.add(specials);
    service.setBusy(true);
    await library.remove('specials-week-49.md');
    expect(service.jobs).toHaveLength(1);
    const running = await library.status();
    expect(running.ok && running.value).toMatchObject({ jobId: 'job-1', state: 'IN_PROGRESS', resyncWaiting: true });
    service.setBusy(false);
    const done = await library.status();
    expect(service.jobs).toHaveLength(2);
    expect(done.ok && done.value).toMatchObject({
      jobId: 'job-1',
      state: 'COMPLETE',
      scanned: 12,
      indexed: 6,
      failed: 0,
      resyncWaiting: false,
    });
    expect(await library.status()).toMatchObject({ ok: true, value: { jobId: 'job-2', resyncWaiting: false } });
  });

  it('keeps the local rules: folder documents cannot be removed, duplicates are refused, nothing uploaded', async () => {
    const folder = await library.remove('menu.md');
    expect(!folder.ok && folder.error.code).toBe('kb.folder_document');
    await library.add(specials);
    const again = await library.add({ ...specials, name: 'copy.md' });
    expect(!again.ok && again.error.code).toBe('kb.duplicate');
    expect(objectsOf('chunks/copy.md/')).toEqual([]);
  });

  it('reconcile mirrors the folder and uploads at startup: missing or changed uploaded, gone deleted, once', async () => {
    docs.set('manifest/old.md/abc', '');
    docs.set('chunks/old.md/0000.md', 'stale');
    const contents = await local.kb.contents();
    expect(await library.reconcile(contents)).toBe(contents.length + 1);
    expect(service.jobs).toHaveLength(1);
    const manifest = objectsOf('manifest/');
    expect(manifest).toEqual(contents.map((d) => `manifest/${encodeURIComponent(d.name)}/${d.hash}`).sort());
    expect(objectsOf('chunks/old.md/')).toEqual([]);
    const menu = contents.find((d) => d.name === 'menu.md');
    expect(objectsOf('chunks/menu.md/')).toHaveLength((menu?.chunks.length ?? 0) * 2);
    expect(docs.get('chunks/menu.md/0000.md')).toBe(menu?.chunks[0]?.text);

    // Nothing changed: nothing uploaded, no job.
    const puts = s3.requests.filter((r) => r.method === 'PUT').length;
    expect(await library.reconcile(contents)).toBe(0);
    expect(s3.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
    expect(service.jobs).toHaveLength(1);

    // An edited document (new hash) replaces its objects.
    docs.delete(`manifest/menu.md/${menu?.hash}`);
    docs.set('manifest/menu.md/oldhash', '');
    docs.set('chunks/menu.md/9999.md', 'old passage');
    expect(await library.reconcile(contents)).toBe(1);
    expect(objectsOf('chunks/menu.md/9999')).toEqual([]);
    expect(objectsOf('manifest/menu.md/')).toEqual([`manifest/menu.md/${menu?.hash}`]);
  });

  it('an unreadable status says what to check', async () => {
    agent.setHandler(() => ({ status: 404, errorType: 'ResourceNotFoundException', message: 'no such data source' }));
    const status = await library.status();
    expect(!status.ok && status.error).toMatchObject({
      code: 'kb.ingestion_status_failed',
      hint: expect.stringContaining('KB_DATA_SOURCE_ID'),
    });
  });
});
