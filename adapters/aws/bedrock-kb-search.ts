import {
  BedrockAgentRuntimeClient,
  type KnowledgeBaseRetrievalResult,
  RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { KbHit } from '../../src/domain/knowledge/types.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { KbQuery, KnowledgeSearch } from '../../src/ports/knowledge.ts';

/** Bedrock's limit on the retrieval query text. */
const MAX_QUERY_CHARS = 1000;

/**
 * Retrieval from an Amazon Bedrock Knowledge Base (Retrieve). The bot uploads one S3 object per chunk with
 * `source` and `section` metadata (see infra/), so citations read the same as in local mode.
 */
export class BedrockKbSearch implements KnowledgeSearch {
  readonly #client: BedrockAgentRuntimeClient;
  readonly #knowledgeBaseId: string;

  constructor(client: BedrockAgentRuntimeClient, knowledgeBaseId: string) {
    this.#client = client;
    this.#knowledgeBaseId = knowledgeBaseId;
  }

  async search(query: KbQuery, signal?: AbortSignal): Promise<Result<readonly KbHit[]>> {
    const text = (query.keywords ? `${query.text} ${query.keywords}` : query.text).slice(0, MAX_QUERY_CHARS);
    try {
      const response = await this.#client.send(
        new RetrieveCommand({
          knowledgeBaseId: this.#knowledgeBaseId,
          retrievalQuery: { text },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: query.limit ?? 5 } },
        }),
        signal ? { abortSignal: signal } : {},
      );
      return ok((response.retrievalResults ?? []).map(toHit).filter((h): h is KbHit => h !== undefined));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return err(
        appError(
          'kb.retrieve_failed',
          `The knowledge base could not be searched (${name}: ${message}).`,
          hintFor(name),
        ),
      );
    }
  }
}

export function toHit(result: KnowledgeBaseRetrievalResult, index: number): KbHit | undefined {
  const text = result.content?.text;
  if (!text) return undefined;
  const metadata = (result.metadata ?? {}) as Record<string, unknown>;
  const uri = result.location?.s3Location?.uri ?? result.location?.webLocation?.url ?? '';
  const source = stringOf(metadata.source) ?? (uri.split('/').at(-1) || 'knowledge base');
  return {
    chunkId: stringOf(metadata['x-amz-bedrock-kb-chunk-id']) ?? `${uri}#${index}`,
    source,
    section: stringOf(metadata.section) ?? source,
    text,
    score: result.score ?? 0,
  };
}

const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function hintFor(name: string): string {
  switch (name) {
    case 'ResourceNotFoundException':
      return 'Check KB_KNOWLEDGE_BASE_ID (an output of the infra/ stack) and AWS_REGION.';
    case 'AccessDeniedException':
      return 'The bot role needs bedrock:Retrieve on the knowledge base.';
    case 'CredentialsProviderError':
      return 'Set AWS credentials, or use KB_MODE=local.';
    default:
      return 'Try again in a moment.';
  }
}

/** The adapter with a client from the default credential chain. */
export const bedrockKbSearch = (region: string, knowledgeBaseId: string): BedrockKbSearch =>
  new BedrockKbSearch(new BedrockAgentRuntimeClient({ region }), knowledgeBaseId);
