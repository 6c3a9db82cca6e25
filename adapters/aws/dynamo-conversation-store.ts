import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Conversation } from '../../src/domain/models/conversation.ts';
import type { ConversationStore } from '../../src/ports/conversation-store.ts';
import { untilActive } from './dynamo-tables.ts';

export interface DynamoConversationStoreOptions {
  readonly tableName: string;
  /** Threads expire after this long without a message (DynamoDB TTL on `expiresAt`). Default 30 days. */
  readonly ttlSeconds?: number;
  /** Turns kept per thread; the oldest pairs go first. */
  readonly maxTurns?: number;
  /** Characters of turn text kept per item: DynamoDB items stop at 400 KB. */
  readonly maxChars?: number;
}

// Items are read back through zod: the table outlives code versions and may hold anything.
const itemSchema = z.object({
  threadKey: z.string(),
  modelId: z.string(),
  templateName: z.string().optional(),
  turns: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })),
  updatedAt: z.string(),
});

/** The cloud ConversationStore: one item per thread key (partition key `threadKey`). */
export class DynamoConversationStore implements ConversationStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #ttlSeconds: number;
  readonly #maxTurns: number;
  readonly #maxChars: number;

  constructor(doc: DynamoDBDocumentClient, options: DynamoConversationStoreOptions) {
    this.#doc = doc;
    this.#table = options.tableName;
    this.#ttlSeconds = options.ttlSeconds ?? 30 * 24 * 3600;
    this.#maxTurns = Math.max(2, options.maxTurns ?? 50);
    this.#maxChars = options.maxChars ?? 300_000;
  }

  async get(key: string): Promise<Conversation | undefined> {
    const found = await this.#doc.send(new GetCommand({ TableName: this.#table, Key: { threadKey: key } }));
    if (!found.Item) return undefined;
    const item = itemSchema.safeParse(found.Item);
    // An unreadable item is treated as no conversation: the follow-up then starts fresh instead of failing.
    if (!item.success) return undefined;
    const { threadKey, templateName, ...rest } = item.data;
    return { key: threadKey, ...rest, ...(templateName === undefined ? {} : { templateName }) };
  }

  async put(conversation: Conversation): Promise<void> {
    const turns = [...conversation.turns];
    let chars = turns.reduce((n, t) => n + t.text.length, 0);
    // Drop whole user/assistant pairs from the front so the history still opens with a user turn.
    while (turns.length > 2 && (turns.length > this.#maxTurns || chars > this.#maxChars)) {
      for (const dropped of turns.splice(0, 2)) chars -= dropped.text.length;
    }
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          threadKey: conversation.key,
          modelId: conversation.modelId,
          templateName: conversation.templateName,
          turns,
          updatedAt: conversation.updatedAt,
          expiresAt: Math.floor(Date.parse(conversation.updatedAt) / 1000) + this.#ttlSeconds,
        },
      }),
    );
  }
}

/** Creates the table when missing (embedded mode and tests; in the cloud the CDK stack owns it). */
export async function ensureConversationTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'threadKey', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'threadKey', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await untilActive(client, tableName);
}
