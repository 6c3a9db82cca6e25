/** One turn of an /ask conversation, kept as plain text (what a follow-up needs to continue it). */
export interface ConversationTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** The history of an answer's thread, keyed by the thread key the surface gives (`ReplyChannel.threadKey()`). */
export interface Conversation {
  readonly key: string;
  /** Our model key that answered last: a follow-up continues with it. */
  readonly modelId: string;
  /** The template chosen at the start (its system prompt applies to the whole thread). */
  readonly templateName?: string;
  /** Oldest first; alternates user / assistant, starting with user. */
  readonly turns: readonly ConversationTurn[];
  readonly updatedAt: string;
}
