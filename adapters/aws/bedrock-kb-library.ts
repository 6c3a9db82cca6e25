import {
  BedrockAgentClient,
  GetIngestionJobCommand,
  type IngestionJob,
  ListIngestionJobsCommand,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import { S3Client } from '@aws-sdk/client-s3';
import type { KbChunk, KbDocument, NewKbDocument } from '../../src/domain/knowledge/types.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { IngestionStatus, KnowledgeIngestion, KnowledgeLibrary } from '../../src/ports/knowledge.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { KbObjects } from './kb-objects.ts';

/** The S3 prefix the data source ingests (infra/kb-stack.ts CHUNKS_PREFIX). */
export const CHUNKS_PREFIX = 'chunks/';

export interface KbDataSource {
  readonly knowledgeBaseId: string;
  readonly dataSourceId: string;
}

/**
 * The library in KB_MODE=aws: the local library stays the list of documents (names, duplicates, the knowledge
 * folder), and every change is mirrored to the Bedrock Knowledge Base: `add` uploads the chunks to S3 and starts an
 * ingestion job, `remove` deletes the objects and starts one. Invariants: a document is listed only if its upload
 * finished (a failed upload is taken out again); a removed document's objects are deleted, now or at the next change
 * (a failed delete is retried); every change is followed by an ingestion job, now or when the running one ends.
 */
export class BedrockKbLibrary implements KnowledgeLibrary, KnowledgeIngestion {
  readonly #local: KnowledgeLibrary;
  readonly #objects: KbObjects;
  readonly #agent: BedrockAgentClient;
  readonly #source: KbDataSource;
  readonly #log: Logger;
  readonly #removals = new Set<string>();
  #resync = false;

  constructor(
    local: KnowledgeLibrary,
    objects: KbObjects,
    agent: BedrockAgentClient,
    source: KbDataSource,
    log: Logger,
  ) {
    this.#local = local;
    this.#objects = objects;
    this.#agent = agent;
    this.#source = source;
    this.#log = log;
  }

  list(): Promise<readonly KbDocument[]> {
    return this.#local.list();
  }

  async add(document: NewKbDocument): Promise<Result<KbDocument>> {
    const added = await this.#local.add(document);
    if (!added.ok) return added;
    try {
      await this.#objects.upload(document.name, document.hash, document.chunks);
    } catch (error) {
      await this.#local.remove(document.name);
      this.#removals.add(document.name); // whatever part of it reached S3
      await this.#finishRemovals();
      return err(awsFailure('kb.upload_failed', `${document.name} could not be uploaded to the knowledge base`, error));
    }
    await this.#changed();
    return added;
  }

  async remove(name: string): Promise<Result<KbDocument>> {
    const removed = await this.#local.remove(name);
    if (!removed.ok) return removed;
    this.#removals.add(name);
    await this.#finishRemovals();
    await this.#changed();
    return removed;
  }

  /**
   * Brings S3 in step with `documents` (the knowledge folder and uploads, at startup): uploads what is missing or
   * changed (by content hash), deletes what is no longer there, and starts an ingestion job if anything changed.
   */
  async reconcile(documents: readonly { name: string; hash: string; chunks: readonly KbChunk[] }[]): Promise<number> {
    const uploaded = await this.#objects.uploaded();
    let changed = 0;
    for (const doc of documents) {
      if (uploaded.get(doc.name) === doc.hash) continue;
      if (uploaded.has(doc.name)) await this.#objects.remove(doc.name);
      await this.#objects.upload(doc.name, doc.hash, doc.chunks);
      changed++;
    }
    const names = new Set(documents.map((d) => d.name));
    for (const name of uploaded.keys()) {
      if (names.has(name)) continue;
      await this.#objects.remove(name);
      changed++;
    }
    if (changed > 0) await this.#changed();
    return changed;
  }

  async status(signal?: AbortSignal): Promise<Result<IngestionStatus | undefined>> {
    const { knowledgeBaseId, dataSourceId } = this.#source;
    try {
      const latest = await this.#agent.send(
        new ListIngestionJobsCommand({
          knowledgeBaseId,
          dataSourceId,
          maxResults: 1,
          sortBy: { attribute: 'STARTED_AT', order: 'DESCENDING' },
        }),
        signal ? { abortSignal: signal } : {},
      );
      const id = latest.ingestionJobSummaries?.[0]?.ingestionJobId;
      if (!id) {
        if (this.#resync) await this.#changed();
        return ok(undefined);
      }
      const job = await this.#agent.send(
        new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId: id }),
        signal ? { abortSignal: signal } : {},
      );
      const current = job.ingestionJob;
      if (this.#resync && current && ENDED.has(current.status ?? '')) await this.#changed();
      return ok(current ? statusOf(current, this.#resync) : undefined);
    } catch (error) {
      return err(awsFailure('kb.ingestion_status_failed', 'The ingestion status could not be read', error));
    }
  }

  /** Deletes the objects of removed documents; what fails stays for the next change. */
  async #finishRemovals(): Promise<void> {
    for (const name of [...this.#removals]) {
      try {
        await this.#objects.remove(name);
        this.#removals.delete(name);
      } catch (error) {
        this.#log.warn({ err: error, document: name }, 'kb: deleting the objects failed; retried at the next change');
      }
    }
  }

  /** Starts an ingestion job; when one is running (ConflictException), the re-sync waits for it to end. */
  async #changed(): Promise<void> {
    await this.#finishRemovals();
    try {
      const started = await this.#agent.send(new StartIngestionJobCommand({ ...this.#source }));
      this.#resync = false;
      this.#log.info({ jobId: started.ingestionJob?.ingestionJobId }, 'kb: ingestion job started');
    } catch (error) {
      this.#resync = true;
      this.#log.warn({ err: error }, 'kb: ingestion job not started; retried when the running one ends');
    }
  }
}

const ENDED = new Set(['COMPLETE', 'FAILED', 'STOPPED']);

function statusOf(job: IngestionJob, resyncWaiting: boolean): IngestionStatus {
  const s = job.statistics ?? {};
  return {
    jobId: job.ingestionJobId ?? '',
    state: job.status ?? 'UNKNOWN',
    ...(job.startedAt ? { startedAt: job.startedAt.toISOString() } : {}),
    ...(job.updatedAt ? { updatedAt: job.updatedAt.toISOString() } : {}),
    scanned: s.numberOfDocumentsScanned ?? 0,
    indexed: (s.numberOfNewDocumentsIndexed ?? 0) + (s.numberOfModifiedDocumentsIndexed ?? 0),
    deleted: s.numberOfDocumentsDeleted ?? 0,
    failed: s.numberOfDocumentsFailed ?? 0,
    failureReasons: job.failureReasons ?? [],
    resyncWaiting,
  };
}

function awsFailure(code: string, what: string, error: unknown) {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    name === 'AccessDenied' || name === 'AccessDeniedException'
      ? 'The bot role needs the BotKnowledgePolicy of the infra/ stack (S3 put/delete/list, ingestion jobs).'
      : name === 'NoSuchBucket' || name === 'ResourceNotFoundException'
        ? 'Check KB_BUCKET, KB_KNOWLEDGE_BASE_ID and KB_DATA_SOURCE_ID (outputs of the infra/ stack) and AWS_REGION.'
        : 'Try again in a moment.';
  return appError(code, `${what} (${name}: ${message}).`, hint);
}

/** The adapter with clients from the default credential chain. */
export function bedrockKbLibrary(
  local: KnowledgeLibrary,
  log: Logger,
  target: KbDataSource & { readonly region: string; readonly bucket: string },
): BedrockKbLibrary {
  const objects = new KbObjects(new S3Client({ region: target.region }), target.bucket, CHUNKS_PREFIX);
  const agent = new BedrockAgentClient({ region: target.region });
  const source = { knowledgeBaseId: target.knowledgeBaseId, dataSourceId: target.dataSourceId };
  return new BedrockKbLibrary(local, objects, agent, source, log);
}
