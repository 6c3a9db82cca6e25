import { describe, expect, it } from 'vitest';
import { MemoryConversationStore } from '../../../adapters/local/memory-conversation-store.ts';
import type { Conversation, ConversationTurn } from '../../../src/domain/models/conversation.ts';

const aConversation = (key: string, pairs = 1): Conversation => ({
  key,
  modelId: 'nova-lite',
  updatedAt: '2026-11-24T10:00:00.000Z',
  turns: Array.from({ length: pairs }, (_, i): ConversationTurn[] => [
    { role: 'user', text: `q${i}` },
    { role: 'assistant', text: `a${i}` },
  ]).flat(),
});

describe('MemoryConversationStore', () => {
  it('stores and replaces by key', async () => {
    const store = new MemoryConversationStore();
    await store.put(aConversation('t1'));
    await store.put(aConversation('t1', 2));
    expect((await store.get('t1'))?.turns).toHaveLength(4);
    expect(await store.get('t2')).toBeUndefined();
  });

  it('evicts the least recently used conversation', async () => {
    const store = new MemoryConversationStore({ maxConversations: 2 });
    await store.put(aConversation('a'));
    await store.put(aConversation('b'));
    await store.get('a');
    await store.put(aConversation('c'));
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('keeps the newest turns, starting with a user turn', async () => {
    const store = new MemoryConversationStore({ maxTurns: 5 });
    await store.put(aConversation('t', 4));
    const turns = (await store.get('t'))?.turns ?? [];
    expect(turns.map((t) => t.text)).toEqual(['q2', 'a2', 'q3', 'a3']);
  });
});
