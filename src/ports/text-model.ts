import type { ModelId } from '../domain/ids.ts';

/**
 * A text model behind Bedrock Converse/ConverseStream. Used by /ask, /bench run mode, the order assistant and the
 * cascade voice engine. Speaks our types only; the Bedrock adapter maps SDK shapes and errors.
 *
 * An answer streams through a callback and ends as one value, not as an AsyncIterable of events: every consumer
 * folded the same events (text, tool uses, end or error) into the same result, each with its own idea of a stream
 * that stopped without either, and the extra async hop per event cost more than the bot's own work per answer.
 */
export interface TextModel {
  /**
   * Streams one answer: `onText` gets each text delta as it arrives; the promise resolves with the whole answer, or
   * with why there is none and the text streamed before. Never rejects for model failures.
   */
  generate(request: TextRequest, options?: GenerateOptions): Promise<TextOutcome>;
  /** Exact input tokens where the model supports counting (Claude), `undefined` otherwise. */
  countTokens(request: TextRequest, signal?: AbortSignal): Promise<number | undefined>;
}

export interface GenerateOptions {
  /** Cancels the call; the outcome is then `model.aborted`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Each text delta in order, with the answer's text so far. Called from the stream itself, so keep it cheap; if
   * it throws, `generate` rejects with that error (a bug of the caller's, not a model failure).
   */
  readonly onText?: ((delta: string, textSoFar: string) => void) | undefined;
}

export interface TextRequest {
  readonly model: ModelId;
  readonly system?: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly tools?: readonly ToolSpec[];
}

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: readonly ContentPart[];
}

export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'toolUse'; readonly toolUseId: string; readonly name: string; readonly input: unknown }
  | { readonly type: 'toolResult'; readonly toolUseId: string; readonly result: unknown; readonly isError: boolean };

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input object. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** As Converse reports it; cache tokens are counted apart from `inputTokens` (and priced apart). */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

export type StopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'content_filtered'
  /** The model filled its context window while answering: the answer is incomplete. */
  | 'context_window_exceeded'
  | 'other';

export type ModelFailureCode =
  | 'model.throttled'
  /** The account's Bedrock quota for this model is used up: it does not lift in a minute. */
  | 'model.quota_exceeded'
  /** The model is still being made ready (ModelNotReadyException). */
  | 'model.not_ready'
  /** Bedrock does not take this model id here (wrong id, a profile needed, a profile of another region). */
  | 'model.bad_model_id'
  | 'model.access_denied'
  | 'model.not_found'
  | 'model.timeout'
  | 'model.stream_failed'
  | 'model.invalid_request'
  | 'model.context_exceeded'
  | 'model.unavailable'
  | 'model.no_credentials'
  | 'model.aborted'
  /** Not sent: the caller's budget (src/app/budgets) has no room; the message says which and when it resets. */
  | 'budget.exceeded';

export interface ToolUse {
  readonly toolUseId: string;
  readonly name: string;
  readonly input: unknown;
}

export type TextOutcome = TextAnswer | TextFailure;

export interface TextAnswer {
  readonly ok: true;
  readonly text: string;
  /** Tools the model asked for, in order (with `stopReason: 'tool_use'`). */
  readonly toolUses: readonly ToolUse[];
  readonly stopReason: StopReason;
  readonly usage: TokenUsage;
  /** Server-side latency reported by the model, when known. */
  readonly serverLatencyMs?: number;
  /** Characters of reasoning the model streamed (kept out of `text`; billed as output, inside `usage`). */
  readonly reasoningChars?: number;
}

export interface TextFailure {
  readonly ok: false;
  readonly code: ModelFailureCode;
  readonly message: string;
  /** What was streamed before the failure ('' when it failed before the first token). */
  readonly partialText: string;
  /**
   * Bedrock accepted the call and began answering before it failed: it bills the input and what was generated.
   * False when the call was refused (throttled, denied, invalid), which Bedrock does not bill. Absent: assumed
   * when some text was streamed.
   */
  readonly started?: boolean;
  /** Characters of reasoning streamed before the failure (billed as output). */
  readonly reasoningChars?: number;
  /** Usage, when the stream reported it before failing; otherwise the caller estimates it. */
  readonly usage?: TokenUsage;
}
