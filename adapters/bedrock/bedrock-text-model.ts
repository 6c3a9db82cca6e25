import {
  type BedrockRuntimeClient,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  CountTokensCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { type CoarseTimer, type CoarseTimers, coarseTimers } from '../../src/coarse-timers.ts';
import type { ModelCatalog, ModelInfo } from '../../src/domain/models/catalog.ts';
import type {
  GenerateOptions,
  StopReason,
  TextAnswer,
  TextFailure,
  TextModel,
  TextOutcome,
  TextRequest,
  TokenUsage,
  ToolUse,
} from '../../src/ports/text-model.ts';
import { toModelFailure } from './bedrock-errors.ts';
import { toConverseInput, toMessages, toSystem } from './converse-request.ts';

export interface BedrockTextModelOptions {
  /**
   * Idle limit (ASK_TIMEOUT_MS): the call is given up when nothing arrives for this long (no first byte, or no
   * streamed event since the last one). A long answer that keeps arriving is never cut by it.
   */
  readonly timeoutMs?: number;
  /** Overall cap on one answer however steadily it streams (ASK_MAX_ANSWER_MS); default 10 minutes. */
  readonly maxDurationMs?: number;
  /** Where the per-call deadline is armed; the process-wide ticker by default. */
  readonly timers?: CoarseTimers;
}

/** TextModel over Bedrock ConverseStream and CountTokens. Model failures are `ok: false` outcomes; it never throws for them. */
export class BedrockTextModel implements TextModel {
  readonly #client: BedrockRuntimeClient;
  readonly #catalog: ModelCatalog;
  readonly #timeoutMs: number;
  readonly #maxDurationMs: number;
  readonly #timers: CoarseTimers;

  constructor(client: BedrockRuntimeClient, catalog: ModelCatalog, options: BedrockTextModelOptions = {}) {
    this.#client = client;
    this.#catalog = catalog;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxDurationMs = Math.max(this.#timeoutMs, options.maxDurationMs ?? 600_000);
    this.#timers = options.timers ?? coarseTimers;
  }

  async generate(request: TextRequest, options: GenerateOptions = {}): Promise<TextOutcome> {
    const model = this.#catalog.get(request.model);
    const modelName = model?.name ?? request.model;
    const deadline = new Deadline(this.#timers, this.#timeoutMs, this.#maxDurationMs, options.signal);
    const answer = new AnswerBuilder(options.onText);
    const input = toConverseInput(request, model);
    try {
      const output = await this.#client.send(new ConverseStreamCommand(input), { abortSignal: deadline.signal });
      for await (const event of output.stream ?? []) {
        deadline.touch();
        answer.accept(event);
      }
    } catch (error) {
      if (answer.inCallback) throw error;
      return this.#failure(error, modelName, input.modelId, answer, deadline);
    } finally {
      deadline.clear();
    }
    // An abort after the response started ends the SDK's loop quietly, like a cut connection: check both.
    if (deadline.signal.aborted) return this.#failure(new Error('aborted'), modelName, input.modelId, answer, deadline);
    return (
      answer.outcome() ?? {
        ok: false,
        code: 'model.stream_failed',
        message: `The answer from ${modelName} ended before it was complete.`,
        ...answer.soFar(),
      }
    );
  }

  async #failure(
    error: unknown,
    modelName: string,
    modelId: string | undefined,
    answer: AnswerBuilder,
    deadline: Deadline,
  ): Promise<TextFailure> {
    const region = await this.#region();
    const mapped = toModelFailure(error, {
      modelName,
      ...(modelId === undefined ? {} : { modelId }),
      ...(region === undefined ? {} : { region }),
      midStream: answer.started,
      timedOut: deadline.timedOut && !deadline.cancelled,
      cancelled: deadline.cancelled,
    });
    return { ok: false, code: mapped.code, message: mapped.message, ...answer.soFar() };
  }

  /** The client's region, only asked for when a failure message names it. */
  async #region(): Promise<string | undefined> {
    try {
      return await this.#client.config.region();
    } catch {
      return undefined;
    }
  }

  async countTokens(request: TextRequest, signal?: AbortSignal): Promise<number | undefined> {
    const model: ModelInfo | undefined = this.#catalog.get(request.model);
    if (model && !model.supportsCountTokens) return undefined;
    const deadline = new Deadline(this.#timers, this.#timeoutMs, this.#timeoutMs, signal);
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
 * One signal for the SDK that aborts on the caller's signal, after `idleMs` without a streamed event, or after
 * `maxMs` in all, remembering which. A plain controller and one coarse timer: `touch()` on every event only stores
 * a time; when the timer fires early because events kept coming, it re-arms for the rest (cheaper per answer than
 * re-arming per event, or AbortSignal.any + AbortSignal.timeout; see CoarseTimers).
 */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timers: CoarseTimers;
  readonly #idleMs: number;
  readonly #endAt: number;
  #timer: CoarseTimer;
  #lastEventAt: number;
  readonly #caller: AbortSignal | undefined;
  readonly #onAbort = () => this.#controller.abort();
  timedOut = false;

  constructor(timers: CoarseTimers, idleMs: number, maxMs: number, caller: AbortSignal | undefined) {
    this.#timers = timers;
    this.#idleMs = idleMs;
    this.#caller = caller;
    this.#lastEventAt = performance.now();
    this.#endAt = this.#lastEventAt + maxMs;
    this.#timer = timers.after(Math.min(idleMs, maxMs), this.#check);
    if (caller?.aborted) this.#controller.abort();
    else caller?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get cancelled(): boolean {
    return this.#caller?.aborted === true;
  }

  /** Something arrived: the idle clock starts again. */
  touch(): void {
    this.#lastEventAt = performance.now();
  }

  clear(): void {
    this.#timer.cancel();
    this.#caller?.removeEventListener('abort', this.#onAbort);
  }

  readonly #check = (): void => {
    const now = performance.now();
    const next = Math.min(this.#lastEventAt + this.#idleMs, this.#endAt);
    if (now < next) {
      this.#timer = this.#timers.after(next - now, this.#check);
      return;
    }
    this.timedOut = true;
    this.#controller.abort();
  };
}

/** Folds ConverseStream events into one answer: text passed on as it comes, tool input assembled per content block. */
class AnswerBuilder {
  started = false;
  text = '';
  /** Set while `onText` runs: an error thrown then is the caller's, not the model's. */
  inCallback = false;
  readonly #onText: ((delta: string, textSoFar: string) => void) | undefined;
  readonly #toolUses: ToolUse[] = [];
  readonly #openTools = new Map<number, { toolUseId: string; name: string; input: string }>();
  #stopReason: StopReason | undefined;
  #usage: TokenUsage | undefined;
  #latencyMs: number | undefined;
  #reasoningChars = 0;

  constructor(onText: ((delta: string, textSoFar: string) => void) | undefined) {
    this.#onText = onText;
  }

  accept(event: ConverseStreamOutput): void {
    this.started = true;
    if (event.contentBlockDelta) {
      const { delta, contentBlockIndex = 0 } = event.contentBlockDelta;
      if (delta?.text !== undefined) {
        if (delta.text !== '') this.#addText(delta.text);
        return;
      }
      // Reasoning is shown to nobody but billed as output: only its size is kept, for estimates and notes.
      if (delta?.reasoningContent?.text !== undefined) {
        this.#reasoningChars += delta.reasoningContent.text.length;
        return;
      }
      const tool = this.#openTools.get(contentBlockIndex);
      if (delta?.toolUse && tool) tool.input += delta.toolUse.input ?? '';
    } else if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId = '', name = '' } = event.contentBlockStart.start.toolUse;
      this.#openTools.set(event.contentBlockStart.contentBlockIndex ?? 0, { toolUseId, name, input: '' });
    } else if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const tool = this.#openTools.get(index);
      if (!tool) return;
      this.#openTools.delete(index);
      this.#toolUses.push({ toolUseId: tool.toolUseId, name: tool.name, input: parseToolInput(tool.input) });
    } else if (event.messageStop) {
      this.#stopReason = toStopReason(event.messageStop.stopReason);
    } else if (event.metadata) {
      const usage = event.metadata.usage;
      this.#usage = {
        inputTokens: usage?.inputTokens ?? 0,
        outputTokens: usage?.outputTokens ?? 0,
        ...(usage?.cacheReadInputTokens ? { cacheReadInputTokens: usage.cacheReadInputTokens } : {}),
        ...(usage?.cacheWriteInputTokens ? { cacheWriteInputTokens: usage.cacheWriteInputTokens } : {}),
      };
      this.#latencyMs = event.metadata.metrics?.latencyMs;
    }
    // Exception members are thrown by the SDK as errors; anything else (messageStart, unknown) carries nothing for us.
  }

  /** The answer, once the stream said how it stopped and what it used; `undefined` for a stream cut short. */
  outcome(): TextAnswer | undefined {
    if (this.#stopReason === undefined || this.#usage === undefined) return undefined;
    return {
      ok: true,
      text: this.text,
      toolUses: this.#toolUses,
      stopReason: this.#stopReason,
      usage: this.#usage,
      reasoningChars: this.#reasoningChars,
      ...(this.#latencyMs === undefined ? {} : { serverLatencyMs: this.#latencyMs }),
    };
  }

  /** What a failure carries: the text so far, whether Bedrock had begun (and so bills), usage if it was reported. */
  soFar(): Pick<TextFailure, 'partialText' | 'started' | 'reasoningChars' | 'usage'> {
    return {
      partialText: this.text,
      started: this.started,
      reasoningChars: this.#reasoningChars,
      ...(this.#usage === undefined ? {} : { usage: this.#usage }),
    };
  }

  #addText(delta: string): void {
    this.text += delta;
    if (!this.#onText) return;
    this.inCallback = true;
    this.#onText(delta, this.text);
    this.inCallback = false;
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
    case 'model_context_window_exceeded':
      return 'context_window_exceeded';
    default:
      return 'other';
  }
}
