import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { DynamoConversationStore, ensureConversationTable } from '../../adapters/aws/dynamo-conversation-store.ts';
import { createBedrockTextClient } from '../../adapters/bedrock/bedrock-client.ts';
import { BedrockTextModel } from '../../adapters/bedrock/bedrock-text-model.ts';
import { loadModelCatalog, loadPromptTemplates } from '../../adapters/local/config-files.ts';
import { MemoryConversationStore } from '../../adapters/local/memory-conversation-store.ts';
import type { AskDeps } from '../app/ask/deps.ts';
import type { Env } from '../config.ts';
import { profileRegionWarnings } from '../domain/models/profile-region.ts';
import type { ConversationStore } from '../ports/conversation-store.ts';
import type { Logger } from '../ports/logger.ts';

/** /ask: the model catalog and templates from config files, Bedrock ConverseStream, conversation memory. */
export async function composeAsk(env: Env, log?: Logger): Promise<AskDeps> {
  const catalog = await loadModelCatalog(env.MODELS_FILE, {
    defaultModel: env.ASK_DEFAULT_MODEL,
    fallbackChain: env.ASK_FALLBACK_CHAIN,
  });
  // A `us.` profile called from eu-west-1 fails on every question; say so at startup, not at the first /ask.
  for (const warning of profileRegionWarnings(catalog.models, env.AWS_REGION))
    log?.warn({ region: env.AWS_REGION }, warning);
  const client = createBedrockTextClient({
    region: env.AWS_REGION,
    ...(env.BEDROCK_ENDPOINT ? { endpoint: env.BEDROCK_ENDPOINT } : {}),
  });
  return {
    textModel: new BedrockTextModel(client, catalog, {
      timeoutMs: env.ASK_TIMEOUT_MS,
      maxDurationMs: env.ASK_MAX_ANSWER_MS,
    }),
    catalog,
    templates: await loadPromptTemplates(env.TEMPLATES_FILE),
    conversations: await conversationStore(env),
    clock: () => performance.now(),
    now: () => new Date(),
  };
}

async function conversationStore(env: Env): Promise<ConversationStore> {
  if (env.ASK_CONVERSATION_STORE === 'memory') {
    return new MemoryConversationStore({ maxConversations: env.ASK_MAX_CONVERSATIONS });
  }
  const { client, doc } = makeDynamo({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  });
  // A local DynamoDB gets the table made; in the cloud the table is provisioned (no CreateTable permission needed).
  if (env.DYNAMODB_ENDPOINT) await ensureConversationTable(client, env.ASK_CONVERSATIONS_TABLE);
  return new DynamoConversationStore(doc, { tableName: env.ASK_CONVERSATIONS_TABLE });
}
