import type { ModelCatalog } from '../../domain/models/catalog.ts';
import type { PromptTemplates } from '../../domain/models/prompt-templates.ts';
import type { ConversationStore } from '../../ports/conversation-store.ts';
import type { TextModel } from '../../ports/text-model.ts';

/** The ports the ask use cases need. */
export interface AskDeps {
  readonly textModel: TextModel;
  readonly catalog: ModelCatalog;
  readonly templates: PromptTemplates;
  readonly conversations: ConversationStore;
  /** Monotonic milliseconds for latencies (`performance.now`). */
  readonly clock: () => number;
  /** Wall clock, stamped on stored conversations. */
  readonly now: () => Date;
}
