import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { z } from 'zod';
import type { ModelId } from '../../src/domain/ids.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { ChainInput, ChainOutput, KnowledgeChain, KnowledgeSearch } from '../../src/ports/knowledge.ts';
import type { TextModel, TextRequest } from '../../src/ports/text-model.ts';
import {
  asRetrievalResult,
  chainExecutionInput,
  KB_CHAIN_ASL_URL,
  parseChainOutput,
  substitute,
} from '../../src/workflows/kb-chain.ts';

type Json = Parameters<StateMachine['run']>[0];

export interface LocalChainOptions {
  readonly textModel: TextModel;
  readonly search: KnowledgeSearch;
  /** The model of the keyword and needs-retrieval calls (a small, fast one). */
  readonly model: ModelId;
  /** Chunks retrieved; default 5. */
  readonly limit?: number;
  /** Replaces the ASL's retry backoff (tests, bench). */
  readonly retryDelayMs?: number;
}

/** The Bedrock InvokeModel body the ASL sends (Nova messages-v1). */
const invokeSchema = z.object({
  ModelId: z.string(),
  Body: z.object({
    system: z.array(z.object({ text: z.string() })).default([]),
    messages: z.array(
      z.object({ role: z.enum(['user', 'assistant']), content: z.array(z.object({ text: z.string() })) }),
    ),
    inferenceConfig: z.object({ maxTokens: z.number().optional(), temperature: z.number().optional() }).default({}),
  }),
});
const retrieveSchema = z.object({
  RetrievalQuery: z.object({ Text: z.string() }),
  RetrievalConfiguration: z.object({ VectorSearchConfiguration: z.object({ NumberOfResults: z.number() }) }),
});

/** A Task failure with the error name Step Functions' Bedrock integration would give, so Retry/Catch match alike. */
class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const BEDROCK_ERRORS: Readonly<Record<string, string>> = {
  'model.throttled': 'Bedrock.ThrottlingException',
  'model.unavailable': 'Bedrock.ServiceUnavailableException',
  'model.access_denied': 'Bedrock.AccessDeniedException',
  'model.not_found': 'Bedrock.ResourceNotFoundException',
  'model.invalid_request': 'Bedrock.ValidationException',
};

/**
 * The knowledge chain in this process: the same ASL file as the Express workflow, run by aws-local-stepfunctions
 * with the Bedrock Tasks bound to our TextModel and Retrieve bound to the local index. Each Task speaks the shapes
 * of the service integration it stands in for, so the Pass states and the output parsing are the cloud's.
 */
export class LocalKnowledgeChain implements KnowledgeChain {
  readonly #machine: StateMachine;
  readonly #options: LocalChainOptions;
  readonly #handlers: Record<string, (input: Json) => Promise<Json>>;
  readonly #retryOverrides: Record<string, number>;

  constructor(options: LocalChainOptions) {
    this.#options = options;
    const text = substitute(readFileSync(KB_CHAIN_ASL_URL, 'utf8'), {
      ChainModelId: options.model,
      KnowledgeBaseId: 'local',
    });
    this.#machine = new StateMachine(JSON.parse(text));
    const invoke = (input: Json) => this.#invokeModel(input);
    this.#handlers = { InsertKeywords: invoke, NeedsRetrieval: invoke, Retrieve: (input) => this.#retrieve(input) };
    this.#retryOverrides =
      options.retryDelayMs === undefined
        ? {}
        : { InsertKeywords: options.retryDelayMs, NeedsRetrieval: options.retryDelayMs };
  }

  /** State name -> handler: a test checks every Task state of the ASL has one. */
  get handlers(): Readonly<Record<string, unknown>> {
    return this.#handlers;
  }

  async prepare(input: ChainInput, signal?: AbortSignal): Promise<Result<ChainOutput>> {
    const execution = this.#machine.run(chainExecutionInput(input, this.#options.limit ?? 5) as Json, {
      overrides: { taskResourceLocalHandlers: this.#handlers, retryIntervalOverrides: this.#retryOverrides },
      noThrowOnAbort: true,
    });
    const onAbort = () => execution.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const output = await execution.result;
      if (output === null) return err(appError('kb.chain_aborted', 'The question was cancelled.'));
      const parsed = parseChainOutput(output);
      return parsed
        ? ok(parsed)
        : err(appError('kb.chain_failed', 'The knowledge chain ended with an unexpected output.'));
    } catch (error) {
      return err(
        appError(
          'kb.chain_failed',
          `The knowledge chain failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #invokeModel(raw: Json): Promise<Json> {
    const input = invokeSchema.parse(raw);
    const request: TextRequest = {
      model: input.ModelId as ModelId,
      system: input.Body.system.map((s) => s.text).join('\n'),
      messages: input.Body.messages.map((m) => ({
        role: m.role,
        content: m.content.map((c) => ({ type: 'text', text: c.text })),
      })),
      ...(input.Body.inferenceConfig.maxTokens === undefined
        ? {}
        : { maxTokens: input.Body.inferenceConfig.maxTokens }),
      ...(input.Body.inferenceConfig.temperature === undefined
        ? {}
        : { temperature: input.Body.inferenceConfig.temperature }),
    };
    const outcome = await this.#options.textModel.generate(request);
    if (!outcome.ok) throw new TaskError(BEDROCK_ERRORS[outcome.code] ?? 'Bedrock.ModelError', outcome.message);
    return {
      Body: {
        output: { message: { role: 'assistant', content: [{ text: outcome.text }] } },
        stopReason: outcome.stopReason,
        usage: { inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens },
      },
    } as Json;
  }

  async #retrieve(raw: Json): Promise<Json> {
    const input = retrieveSchema.parse(raw);
    const found = await this.#options.search.search({
      text: input.RetrievalQuery.Text,
      limit: input.RetrievalConfiguration.VectorSearchConfiguration.NumberOfResults,
    });
    if (!found.ok) throw new TaskError('BedrockAgentRuntime.ServiceException', found.error.message);
    return { RetrievalResults: found.value.map(asRetrievalResult) } as Json;
  }
}
