import {
  type BedrockRuntimeClient,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  CountTokensCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { type CoarseTimer, type CoarseTimers, coarseTimers } from '../../src/coarse-timers.ts';
import type { ModelCatalog, ModelInfo } from '../../src/domain/models/catalog.ts';
import type { StopReason, TextEvent, TextModel, TextRequest, TokenUsage } from '../../src/ports/text-model.ts';
import { toModelFailure } from './bedrock-errors.ts';
import { toConverseInput, toMessages, toSystem } from './converse-request.ts';

export interface BedrockTextModelOptions {
  /** Whole-call limit per answer (ASK_TIMEOUT_MS); the stream is aborted and `model.timeout` reported. */
  readonly timeoutMs?: number;
  /** Where the per-call deadline is armed; the process-wide ticker by default. */
  readonly timers?: CoarseTimers;
}

/** TextModel over Bedrock ConverseStream and CountTokens. Model failures become `error` events; it never throws for them. */
export class BedrockTextModel implements TextModel {
  readonly #client: BedrockRuntimeClient;
  readonly #catalog: ModelCatalog;
  readonly #timeoutMs: number;
  readonly #timers: CoarseTimers;

  constructor(client: BedrockRuntimeClient, catalog: ModelCatalog, options: BedrockTextModelOptions = {}) {
    this.#client = client;
    this.#catalog = catalog;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#timers = options.timers ?? coarseTimers;
  }

  async *stream(request: TextRequest, signal?: AbortSignal): AsyncIterable<TextEvent> {
    const model = this.#catalog.get(request.model);
    const modelName = model?.name ?? request.model;
    const deadline = new Deadline(this.#timers, this.#timeoutMs, signal);
    const state = new StreamState();
    try {
      const output = await this.#client.send(new ConverseStreamCommand(toConverseInput(request, model)), {
        abortSignal: deadline.signal,
      });
      for await (const event of output.stream ?? []) {
        const mapped = state.accept(event);
        if (mapped) yield mapped;
      }
    } catch (error) {
      yield failureEvent(error, modelName, state.started, deadline);
      return;
    } finally {
      deadline.clear();
    }
    // An abort after the response started ends the SDK's loop quietly, like a cut connection: check both.
    if (deadline.signal.aborted) {
      yield failureEvent(new Error('aborted'), modelName, true, deadline);
    } else if (!state.complete) {
      yield {
        type: 'error',
        code: 'model.stream_failed',
        message: `The answer from ${modelName} ended before it was complete.`,
      };
    } else {
      yield state.endEvent();
    }
  }

  async countTokens(request: TextRequest, signal?: AbortSignal): Promise<number | undefined> {
    const model: ModelInfo | undefined = this.#catalog.get(request.model);
    if (model && !model.supportsCountTokens) return undefined;
    const deadline = new Deadline(this.#timers, this.#timeoutMs, signal);
    try {
      const system = toSystem(request.system);
      const answer = await this.#client.send(
        new CountTokensCommand({
          // CountTokens rejects inference-profile ids: only the base id works.
          modelId: model?.baseModelId ?? request.model,
          input: { converse: { messages: toMessages(request.messages), ...(system ? { system } : {}) } },
        }),
        { abortSignal: deadline.signal },
      );
      return answer.inputTokens;
    } catch {
      // Counting is advisory: unsupported models answer ValidationException, and any failure falls back to the
      // caller's local estimate; the real call reports its own errors.
      return undefined;
    } finally {
      deadline.clear();
    }
  }
}

/**
 * One signal for the SDK that aborts on the caller's signal or after the per-call timeout, remembering which.
 * A plain controller and a coarse timer, cancelled after the call: cheaper per answer than AbortSignal.any +
 * AbortSignal.timeout, or a setTimeout of its own (see CoarseTimers).
 */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: CoarseTimer;
  readonly #caller: AbortSignal | undefined;
  readonly #onAbort = () => this.#controller.abort();
  timedOut = false;

  constructor(timers: CoarseTimers, timeoutMs: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    this.#timer = timers.after(timeoutMs, () => {
      this.timedOut = true;
      this.#controller.abort();
    });
    if (caller?.aborted) this.#controller.abort();
    else caller?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get cancelled(): boolean {
    return this.#caller?.aborted === true;
  }

  clear(): void {
    this.#timer.cancel();
    this.#caller?.removeEventListener('abort', this.#onAbort);
  }
}

function failureEvent(error: unknown, modelName: string, midStream: boolean, deadline: Deadline): TextEvent {
  const failure = toModelFailure(error, {
    modelName,
    midStream,
    timedOut: deadline.timedOut && !deadline.cancelled,
    cancelled: deadline.cancelled,
  });
  return { type: 'error', code: failure.code, message: failure.message };
}

/** Folds ConverseStream events into ours: text deltas pass through, tool input is assembled per content block. */
class StreamState {
  started = false;
  #stopReason: StopReason | undefined;
  #usage: TokenUsage | undefined;
  #latencyMs: number | undefined;
  readonly #tools = new Map<number, { toolUseId: string; name: string; input: string }>();

  get complete(): boolean {
    return this.#stopReason !== undefined && this.#usage !== undefined;
  }

  accept(event: ConverseStreamOutput): TextEvent | undefined {
    this.started = true;
    if (event.contentBlockDelta) {
      const { delta, contentBlockIndex = 0 } = event.contentBlockDelta;
      if (delta?.text !== undefined) return delta.text === '' ? undefined : { type: 'text', delta: delta.text };
      const tool = this.#tools.get(contentBlockIndex);
      if (delta?.toolUse && tool) tool.input += delta.toolUse.input ?? '';
      return undefined;
    }
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId = '', name = '' } = event.contentBlockStart.start.toolUse;
      this.#tools.set(event.contentBlockStart.contentBlockIndex ?? 0, { toolUseId, name, input: '' });
      return undefined;
    }
    if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const tool = this.#tools.get(index);
      if (!tool) return undefined;
      this.#tools.delete(index);
      return { type: 'toolUse', toolUseId: tool.toolUseId, name: tool.name, input: parseToolInput(tool.input) };
    }
    if (event.messageStop) {
      this.#stopReason = toStopReason(event.messageStop.stopReason);
      return undefined;
    }
    if (event.metadata) {
      const usage = event.metadata.usage;
      this.#usage = { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
      this.#latencyMs = event.metadata.metrics?.latencyMs;
      return undefined;
    }
    // Exception members are thrown by the SDK as errors; anything else (messageStart, unknown) carries nothing for us.
    return undefined;
  }

  endEvent(): TextEvent {
    return {
      type: 'end',
      stopReason: this.#stopReason ?? 'other',
      usage: this.#usage ?? { inputTokens: 0, outputTokens: 0 },
      ...(this.#latencyMs === undefined ? {} : { serverLatencyMs: this.#latencyMs }),
    };
  }
}

function parseToolInput(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    // Malformed tool input is passed on as text: the tool's own validation reports it to the model.
    return raw;
  }
}

function toStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'end_turn':
    case 'tool_use':
    case 'max_tokens':
    case 'stop_sequence':
      return reason;
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filtered';
    default:
      return 'other';
  }
}
