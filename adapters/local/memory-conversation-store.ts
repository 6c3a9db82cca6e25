import type { Conversation } from '../../src/domain/models/conversation.ts';
import type { ConversationStore } from '../../src/ports/conversation-store.ts';

export interface MemoryConversationStoreOptions {
  /** Threads kept; the least recently used goes first. */
  readonly maxConversations?: number;
  /** Turns kept per thread; the oldest user/assistant pairs go first. */
  readonly maxTurns?: number;
}

/** The default ConversationStore: a bounded LRU in process memory (lost on restart, which is fine for chat threads). */
export class MemoryConversationStore implements ConversationStore {
  readonly #entries = new Map<string, Conversation>();
  readonly #maxConversations: number;
  readonly #maxTurns: number;

  constructor(options: MemoryConversationStoreOptions = {}) {
    this.#maxConversations = options.maxConversations ?? 1_000;
    this.#maxTurns = Math.max(2, options.maxTurns ?? 50);
  }

  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<Conversation | undefined> {
    const found = this.#entries.get(key);
    if (!found) return undefined;
    // Map keeps insertion order: re-inserting marks it most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, found);
    return found;
  }

  async put(conversation: Conversation): Promise<void> {
    const turns = conversation.turns;
    // Drop whole pairs so the kept history still starts with a user turn.
    let start = Math.max(0, turns.length - this.#maxTurns);
    if (start % 2 === 1) start++;
    const kept = start === 0 ? conversation : { ...conversation, turns: turns.slice(start) };
    this.#entries.delete(conversation.key);
    this.#entries.set(conversation.key, kept);
    while (this.#entries.size > this.#maxConversations) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
