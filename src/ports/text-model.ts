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

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'content_filtered' | 'other';

export type ModelFailureCode =
  | 'model.throttled'
  | 'model.access_denied'
  | 'model.not_found'
  | 'model.timeout'
  | 'model.stream_failed'
  | 'model.invalid_request'
  | 'model.context_exceeded'
  | 'model.unavailable'
  | 'model.no_credentials'
  | 'model.aborted';

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
}

export interface TextFailure {
  readonly ok: false;
  readonly code: ModelFailureCode;
  readonly message: string;
  /** What was streamed before the failure ('' when it failed before the first token). */
  readonly partialText: string;
}
