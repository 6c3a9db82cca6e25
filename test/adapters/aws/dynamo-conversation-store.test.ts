import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dynamo, makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { DynamoConversationStore, ensureConversationTable } from '../../../adapters/aws/dynamo-conversation-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import type { Conversation, ConversationTurn } from '../../../src/domain/models/conversation.ts';

const TABLE = 'conversations';
const aConversation = (key: string, pairs: number, text = 'x'): Conversation => ({
  key,
  modelId: 'nova-lite',
  templateName: 'explain',
  updatedAt: '2026-11-24T10:00:00.000Z',
  turns: Array.from({ length: pairs }, (_, i): ConversationTurn[] => [
    { role: 'user', text: `q${i}${text}` },
    { role: 'assistant', text: `a${i}${text}` },
  ]).flat(),
});

describe('DynamoConversationStore on embedded dynalite', () => {
  let dynamo: EmbeddedDynamo;
  let clients: Dynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    clients = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint });
    await ensureConversationTable(clients.client, TABLE);
    await ensureConversationTable(clients.client, TABLE); // idempotent
  });
  afterAll(async () => {
    clients.client.destroy();
    await dynamo.close();
  });

  it('round-trips a conversation and answers undefined for an unknown thread', async () => {
    const store = new DynamoConversationStore(clients.doc, { tableName: TABLE });
    await store.put(aConversation('slack:T1/C1/171.2', 2));
    expect(await store.get('slack:T1/C1/171.2')).toEqual(aConversation('slack:T1/C1/171.2', 2));
    expect(await store.get('nope')).toBeUndefined();
  });

  it('keeps items small: newest pairs within the turn and character caps', async () => {
    const store = new DynamoConversationStore(clients.doc, { tableName: TABLE, maxTurns: 4, maxChars: 2_000 });
    await store.put(aConversation('t', 5));
    expect((await store.get('t'))?.turns.map((t) => t.text)).toEqual(['q3x', 'a3x', 'q4x', 'a4x']);
    await store.put(aConversation('big', 3, 'y'.repeat(600)));
    const big = await store.get('big');
    expect(big?.turns).toHaveLength(2);
    expect(big?.turns[0]?.role).toBe('user');
  });

  it('treats an unreadable item as no conversation', async () => {
    await clients.doc.send(new PutCommand({ TableName: TABLE, Item: { threadKey: 'bad', turns: 'oops' } }));
    expect(await new DynamoConversationStore(clients.doc, { tableName: TABLE }).get('bad')).toBeUndefined();
  });
});
