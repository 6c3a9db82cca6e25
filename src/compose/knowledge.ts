import { join } from 'node:path';
import { bedrockKbLibrary } from '../../adapters/aws/bedrock-kb-library.ts';
import { bedrockKbSearch } from '../../adapters/aws/bedrock-kb-search.ts';
import { SfnKnowledgeChain, sfnKnowledgeChain } from '../../adapters/aws/sfn-knowledge-chain.ts';
import { createBedrockTextClient } from '../../adapters/bedrock/bedrock-client.ts';
import { TitanEmbedder } from '../../adapters/bedrock/titan-embedder.ts';
import { LocalKnowledgeBase } from '../../adapters/knowledge/local-knowledge-base.ts';
import { FileDocumentReader } from '../../adapters/knowledge/read-document.ts';
import { LocalKnowledgeChain } from '../../adapters/local/local-knowledge-chain.ts';
import type { AskDeps } from '../app/ask/deps.ts';
import type { KnowledgeDeps } from '../app/knowledge/deps.ts';
import type { Config } from '../config.ts';
import type { ModelId } from '../domain/ids.ts';
import type { KnowledgeChain, KnowledgeIngestion, KnowledgeLibrary, KnowledgeSearch } from '../ports/knowledge.ts';
import type { Logger } from '../ports/logger.ts';

/**
 * The knowledge base: the embedded index on disk (always: it lists documents, takes uploads and probes questions),
 * hybrid with Titan embeddings when AWS credentials are configured, or an Amazon Bedrock Knowledge Base for search
 * in KB_MODE=aws; the prompt chain in-process or as the Express workflow.
 */
export async function composeKnowledge(config: Config, ask: AskDeps, log: Logger): Promise<KnowledgeDeps> {
  const { env } = config;
  const useEmbeddings = env.KB_EMBEDDINGS === 'on' || (env.KB_EMBEDDINGS === 'auto' && config.awsCredentialsConfigured);
  const embedder = useEmbeddings
    ? new TitanEmbedder(
        createBedrockTextClient({
          region: env.AWS_REGION,
          ...(env.BEDROCK_ENDPOINT ? { endpoint: env.BEDROCK_ENDPOINT } : {}),
        }),
        { modelId: env.KB_EMBEDDING_MODEL, dimensions: env.KB_EMBEDDING_DIMENSIONS as 256 | 512 | 1024 },
      )
    : undefined;
  const { kb, sync } = await LocalKnowledgeBase.open({
    dataDir: join(env.DATA_DIR, 'knowledge'),
    folder: env.KNOWLEDGE_DIR,
    ...(embedder ? { embedder } : {}),
    maxBytes: env.KB_MAX_BYTES,
    log,
    now: () => new Date(),
  });
  log.info({ ...sync, failed: sync.failed.length, chunks: kb.chunkCount }, 'knowledge base ready');

  let search: KnowledgeSearch = kb;
  let library: KnowledgeLibrary = kb;
  let ingestion: KnowledgeIngestion | undefined;
  let description = embedder ? `local index (hybrid: BM25 + ${env.KB_EMBEDDING_MODEL})` : 'local index (BM25)';
  if (env.KB_MODE === 'aws') {
    if (!env.KB_KNOWLEDGE_BASE_ID)
      throw new Error('KB_MODE=aws needs KB_KNOWLEDGE_BASE_ID (an output of the infra/ stack).');
    search = bedrockKbSearch(env.AWS_REGION, env.KB_KNOWLEDGE_BASE_ID);
    description = `Amazon Bedrock Knowledge Base ${env.KB_KNOWLEDGE_BASE_ID}`;
    if (!env.KB_BUCKET || !env.KB_DATA_SOURCE_ID)
      throw new Error('KB_MODE=aws needs KB_BUCKET and KB_DATA_SOURCE_ID (outputs of the infra/ stack) for /kb.');
    const aws = bedrockKbLibrary(kb, log, {
      region: env.AWS_REGION,
      bucket: env.KB_BUCKET,
      knowledgeBaseId: env.KB_KNOWLEDGE_BASE_ID,
      dataSourceId: env.KB_DATA_SOURCE_ID,
    });
    library = aws;
    ingestion = aws;
    // The knowledge folder and earlier uploads, mirrored in the background: the bot serves meanwhile.
    void kb
      .contents()
      .then((documents) => aws.reconcile(documents))
      .then((changed) => log.info({ changed }, 'knowledge base mirrored to S3'))
      .catch((error: unknown) => log.warn({ err: error }, 'knowledge base not mirrored to S3; /kb changes retry'));
  }
  const chain = knowledgeChain(config, ask, search);
  return {
    search,
    library,
    ...(ingestion ? { ingestion } : {}),
    reader: new FileDocumentReader(env.KB_MAX_BYTES),
    ...(chain ? { chain } : {}),
    limit: env.KB_RESULTS,
    description: chain
      ? `${description}, prompt chain ${chain instanceof SfnKnowledgeChain ? 'on Step Functions' : 'in-process'}`
      : description,
  };
}

function knowledgeChain(config: Config, ask: AskDeps, search: KnowledgeSearch): KnowledgeChain | undefined {
  const { env } = config;
  const mode =
    env.KB_CHAIN !== 'auto'
      ? env.KB_CHAIN
      : env.KB_MODE === 'aws' && env.KB_CHAIN_STATE_MACHINE_ARN
        ? 'aws'
        : config.awsCredentialsConfigured
          ? 'local'
          : 'off';
  if (mode === 'off') return undefined;
  if (mode === 'aws') {
    if (!env.KB_CHAIN_STATE_MACHINE_ARN)
      throw new Error('KB_CHAIN=aws needs KB_CHAIN_STATE_MACHINE_ARN (an output of the infra/ stack).');
    return sfnKnowledgeChain(env.AWS_REGION, env.KB_CHAIN_STATE_MACHINE_ARN, env.KB_RESULTS);
  }
  const model = (env.KB_CHAIN_MODEL ? ask.catalog.get(env.KB_CHAIN_MODEL) : undefined) ?? ask.catalog.defaultModel;
  return new LocalKnowledgeChain({
    textModel: ask.textModel,
    search,
    model: model.id as ModelId,
    limit: env.KB_RESULTS,
  });
}
