import type { KbDocument, KbHit, NewKbDocument, ReadDocument } from '../domain/knowledge/types.ts';
import type { Result } from '../domain/result.ts';
import type { FileSource } from './file-source.ts';

/**
 * Retrieval, whatever answers it: the embedded index on disk (lexical, or hybrid with embeddings) or an Amazon
 * Bedrock Knowledge Base. Never throws for an expected failure (no credentials, service down): `ok: false`.
 */
export interface KnowledgeSearch {
  search(query: KbQuery, signal?: AbortSignal): Promise<Result<readonly KbHit[]>>;
}

export interface KbQuery {
  readonly text: string;
  /** Extra words that help lexical matching (the chain's keyword step). */
  readonly keywords?: string;
  /** How many chunks at most; default 5. */
  readonly limit?: number;
}

/** The documents of the knowledge base: what `/kb add`, `/kb list`, `/kb remove` act on. */
export interface KnowledgeLibrary {
  /** Adds a parsed, chunked document; `kb.duplicate` when the same text is already in under any name. */
  add(document: NewKbDocument): Promise<Result<KbDocument>>;
  list(): Promise<readonly KbDocument[]>;
  /** `kb.not_found` for an unknown name, `kb.folder_document` for a document of the knowledge folder. */
  remove(name: string): Promise<Result<KbDocument>>;
}

/**
 * The cloud knowledge base's indexing of the documents the library uploads (Amazon Bedrock KB ingestion jobs):
 * what `/kb list` shows in KB_MODE=aws. Local mode has none (its index is updated as documents are added).
 */
export interface KnowledgeIngestion {
  /** The latest ingestion job (undefined when none ran yet), starting a re-sync that was waiting for it. */
  status(signal?: AbortSignal): Promise<Result<IngestionStatus | undefined>>;
}

export interface IngestionStatus {
  readonly jobId: string;
  /** STARTING, IN_PROGRESS, COMPLETE, FAILED, STOPPING, STOPPED. */
  readonly state: string;
  readonly startedAt?: string;
  readonly updatedAt?: string;
  readonly scanned: number;
  readonly indexed: number;
  readonly deleted: number;
  readonly failed: number;
  readonly failureReasons: readonly string[];
  /** A change is waiting for this job to end before its own ingestion starts. */
  readonly resyncWaiting: boolean;
}

/** Reads an uploaded file into Markdown (the adapter knows the formats). */
export interface DocumentReader {
  readonly extensions: readonly string[];
  read(file: FileSource, signal?: AbortSignal): Promise<Result<ReadDocument>>;
}

/** Text to vectors (Amazon Titan Text Embeddings V2 on Bedrock); one vector per input, in order. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Result<readonly Float32Array[]>>;
}

/**
 * The seed's prompt chain before the answer: keywords for the question and whether retrieval is needed (in
 * parallel), then retrieval, a failed one caught as context. Runs in-process or as a Step Functions Express workflow.
 */
export interface KnowledgeChain {
  prepare(input: ChainInput, signal?: AbortSignal): Promise<Result<ChainOutput>>;
}

export interface ChainInput {
  readonly question: string;
  /** The last turns of the conversation, oldest first, for the needs-retrieval decision. */
  readonly history?: readonly { readonly role: 'user' | 'assistant'; readonly text: string }[];
}

export interface ChainOutput {
  readonly keywords: string;
  /** `skipped`: the model said the conversation already answers it; `failed`: retrieval failed, `error` says why. */
  readonly retrieval: 'done' | 'skipped' | 'failed';
  readonly hits: readonly KbHit[];
  readonly error?: string;
}
