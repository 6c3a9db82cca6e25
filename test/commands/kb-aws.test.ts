import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kbCommand } from '../../commands/kb.ts';
import type { KnowledgeDeps } from '../../src/app/knowledge/deps.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import { aCommandContext } from '../support/command-context.ts';
import { type FakeAwsJson, startFakeAwsJson } from '../support/fake-aws-json.ts';
import { awsKbLibrary, ingestionService } from '../support/fake-kb-aws.ts';
import { type BucketView, type FakeS3, startFakeS3 } from '../support/fake-s3.ts';
import { knowledgeDepsFor, starterKnowledgeBase } from '../support/kb-fixtures.ts';
import { memoryFile } from '../support/tiny-pdf.ts';

let s3: FakeS3;
let docs: BucketView;
let agent: FakeAwsJson;
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
let knowledge: KnowledgeDeps;
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
  agent.setHandler(ingestionService().handle);
  fixture = await starterKnowledgeBase();
  const library = awsKbLibrary(fixture.kb, { s3: s3.endpoint, agent: agent.endpoint });
  knowledge = { ...knowledgeDepsFor(fixture.kb), library, ingestion: library, description: 'Amazon Bedrock KB' };
});
afterEach(() => fixture.close());

const run = (values: Record<string, unknown>) =>
  runCommand(kbCommand, aCommandContext({ invoker: { isStaff: true }, deps: { knowledge } }), values as never);

describe('/kb in KB_MODE=aws (S3 and bedrock-agent loopback fakes)', () => {
  it('add uploads and says when it is searchable; list shows the ingestion job; remove deletes and re-syncs', async () => {
    expect(await run({ action: 'list' })).toMatchObject({ footer: expect.stringContaining('no ingestion job yet') });
    const added = await run({
      action: 'add',
      file: memoryFile('allergens.md', '# Allergens\n\nThe lasagne has gluten.\n'),
    });
    expect(added).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('once the knowledge base has ingested it'),
    });
    expect(docs.keys().some((k) => k.startsWith('chunks/allergens.md/'))).toBe(true);
    const listed = await run({ action: 'list' });
    expect(listed).toMatchObject({
      kind: 'table',
      footer: expect.stringMatching(/ingestion COMPLETE at 10:01 UTC: 12 scanned, 6 indexed, 0 deleted, 0 failed$/),
    });
    expect(await run({ action: 'remove', name: 'allergens.md' })).toMatchObject({
      text: expect.stringContaining('forgets it when its ingestion job has run'),
    });
    expect(docs.keys().some((k) => k.startsWith('chunks/allergens.md/'))).toBe(false);
  });
});
