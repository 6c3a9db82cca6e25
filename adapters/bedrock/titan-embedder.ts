import { type BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { Embedder } from '../../src/ports/knowledge.ts';
import { toModelFailure } from './bedrock-errors.ts';

export const TITAN_EMBED_V2 = 'amazon.titan-embed-text-v2:0';

export interface TitanEmbedderOptions {
  readonly modelId?: string;
  /** Titan V2 offers 256, 512 or 1024; 256 keeps the index small at a small cost in quality. */
  readonly dimensions?: 256 | 512 | 1024;
  /** Calls in flight while embedding many chunks (Titan takes one text per call). */
  readonly concurrency?: number;
}

const responseSchema = z.object({ embedding: z.array(z.number()) });
/** Titan V2 takes up to 8,192 tokens (about 50,000 characters); chunks are far smaller, questions too. */
const MAX_INPUT_CHARS = 40_000;

/** Amazon Titan Text Embeddings V2 through Bedrock InvokeModel: normalized vectors for hybrid search. */
export class TitanEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #client: BedrockRuntimeClient;
  readonly #modelId: string;
  readonly #concurrency: number;

  constructor(client: BedrockRuntimeClient, options: TitanEmbedderOptions = {}) {
    this.#client = client;
    this.#modelId = options.modelId ?? TITAN_EMBED_V2;
    this.dimensions = options.dimensions ?? 256;
    this.#concurrency = options.concurrency ?? 4;
    this.id = `${this.#modelId}/${this.dimensions}`;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Result<readonly Float32Array[]>> {
    const out: Float32Array[] = new Array(texts.length);
    let next = 0;
    let failure: Result<never> | undefined;
    const worker = async () => {
      while (failure === undefined && next < texts.length) {
        const i = next++;
        const one = await this.#embedOne(texts[i] ?? '', signal);
        if (!one.ok) failure = one;
        else out[i] = one.value;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, texts.length) }, worker));
    return failure ?? ok(out);
  }

  async #embedOne(text: string, signal: AbortSignal | undefined): Promise<Result<Float32Array>> {
    try {
      const response = await this.#client.send(
        new InvokeModelCommand({
          modelId: this.#modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({
            inputText: text.slice(0, MAX_INPUT_CHARS),
            dimensions: this.dimensions,
            normalize: true,
          }),
        }),
        signal ? { abortSignal: signal } : {},
      );
      const parsed = responseSchema.safeParse(JSON.parse(new TextDecoder().decode(response.body)));
      if (!parsed.success || parsed.data.embedding.length !== this.dimensions) {
        return err(
          appError('kb.embeddings_failed', `${this.#modelId} answered without a ${this.dimensions}-number embedding.`),
        );
      }
      return ok(Float32Array.from(parsed.data.embedding));
    } catch (error) {
      const failure = toModelFailure(error, {
        modelName: 'Titan Text Embeddings',
        midStream: false,
        timedOut: false,
        cancelled: signal?.aborted ?? false,
      });
      return err(appError(`kb.embeddings_failed`, failure.message));
    }
  }
}
