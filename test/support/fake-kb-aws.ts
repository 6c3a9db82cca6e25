import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { S3Client } from '@aws-sdk/client-s3';
import { BedrockKbLibrary } from '../../adapters/aws/bedrock-kb-library.ts';
import { KbObjects } from '../../adapters/aws/kb-objects.ts';
import type { KnowledgeLibrary } from '../../src/ports/knowledge.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { JsonAnswer, JsonRequest } from './fake-aws-json.ts';

/** The ingestion-jobs path of the fake data source (knowledge base KB123, data source DS456). */
export const JOBS = '/knowledgebases/KB123/datasources/DS456/ingestionjobs/';

/** BedrockKbLibrary over `local` with real SDK clients pointed at the loopback fakes (S3 path-style). */
export function awsKbLibrary(local: KnowledgeLibrary, endpoints: { s3: string; agent: string }): BedrockKbLibrary {
  const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' };
  const s3 = new S3Client({
    endpoint: endpoints.s3,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials,
    maxAttempts: 1,
  });
  const agent = new BedrockAgentClient({ endpoint: endpoints.agent, region: 'eu-west-1', credentials, maxAttempts: 1 });
  const source = { knowledgeBaseId: 'KB123', dataSourceId: 'DS456' };
  return new BedrockKbLibrary(local, new KbObjects(s3, 'kb-docs', 'chunks/'), agent, source, silentLogger);
}

/** The bedrock-agent fake: ingestion jobs that complete when read, a ConflictException while `busy`. */
export function ingestionService() {
  const jobs: string[] = [];
  let busy = false;
  const handle = (r: JsonRequest): JsonAnswer => {
    if (r.method === 'PUT' && r.path === JOBS) {
      if (busy) return { status: 409, errorType: 'ConflictException', message: 'an ingestion job is running' };
      jobs.push(`job-${jobs.length + 1}`);
      return { body: { ingestionJob: { ingestionJobId: jobs.at(-1), status: 'STARTING' } } };
    }
    if (r.method === 'POST' && r.path === JOBS) {
      const last = jobs.at(-1);
      return { body: { ingestionJobSummaries: last ? [{ ingestionJobId: last, status: 'COMPLETE' }] : [] } };
    }
    if (r.method === 'GET' && r.path.startsWith(JOBS)) {
      return {
        body: {
          ingestionJob: {
            ingestionJobId: r.path.slice(JOBS.length),
            status: busy ? 'IN_PROGRESS' : 'COMPLETE',
            startedAt: '2026-12-04T10:00:00Z',
            updatedAt: '2026-12-04T10:01:00Z',
            statistics: { numberOfDocumentsScanned: 12, numberOfNewDocumentsIndexed: 6, numberOfDocumentsFailed: 0 },
          },
        },
      };
    }
    return { status: 400, errorType: 'ValidationException', message: `unexpected ${r.method} ${r.path}` };
  };
  return { jobs, handle, setBusy: (b: boolean) => (busy = b) };
}
