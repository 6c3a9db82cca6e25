import type { Conversation } from '../domain/models/conversation.ts';

/**
 * Where /ask keeps thread histories so a follow-up continues the conversation. In memory by default; a DynamoDB
 * table in the cloud. Keys are the opaque thread keys surfaces give (`ReplyChannel.threadKey()`).
 */
export interface ConversationStore {
  get(key: string): Promise<Conversation | undefined>;
  /** Replaces the conversation stored under `conversation.key`. */
  put(conversation: Conversation): Promise<void>;
}
