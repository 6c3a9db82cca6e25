import type { ModelId } from '../domain/ids.ts';

/**
 * A text model behind Bedrock Converse/ConverseStream. Used by /ask, /bench run mode, the order assistant and the
 * cascade voice engine. Speaks our types only; the Bedrock adapter maps SDK shapes and errors.
 */
export interface TextModel {
  /** Streams one answer. Ends with exactly one `end` or `error` event; never throws for model failures. */
  stream(request: TextRequest, signal?: AbortSignal): AsyncIterable<TextEvent>;
  /** Exact input tokens where the model supports counting (Claude), `undefined` otherwise. */
  countTokens(request: TextRequest, signal?: AbortSignal): Promise<number | undefined>;
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

export type TextEvent =
  | { readonly type: 'text'; readonly delta: string }
  | { readonly type: 'toolUse'; readonly toolUseId: string; readonly name: string; readonly input: unknown }
  | {
      readonly type: 'end';
      readonly stopReason: StopReason;
      readonly usage: TokenUsage;
      /** Server-side latency reported by the model, when known. */
      readonly serverLatencyMs?: number;
    }
  | { readonly type: 'error'; readonly code: ModelFailureCode; readonly message: string };
