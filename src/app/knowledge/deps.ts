import type {
  DocumentReader,
  KnowledgeChain,
  KnowledgeIngestion,
  KnowledgeLibrary,
  KnowledgeSearch,
} from '../../ports/knowledge.ts';

/** The ports the knowledge use cases need. */
export interface KnowledgeDeps {
  readonly search: KnowledgeSearch;
  readonly library: KnowledgeLibrary;
  readonly reader: DocumentReader;
  /** The prompt chain (keywords, needs-retrieval, retrieval); without one, questions go straight to `search`. */
  readonly chain?: KnowledgeChain;
  /** KB_MODE=aws: the Bedrock KB's ingestion of the uploaded documents (for /kb list); absent locally. */
  readonly ingestion?: KnowledgeIngestion;
  /** Chunks given to the model per question. */
  readonly limit: number;
  /** How the knowledge base runs, for /kb list: `local (lexical)`, `local (hybrid, Titan V2)`, `Bedrock KB ...`. */
  readonly description: string;
}
