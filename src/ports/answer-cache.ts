/**
 * Model answers kept between /bench runs, so a cancelled or crashed run continues where it stopped. Keys are
 * opaque strings built by the use case from the model, the request's parameters, the prompt and the repeat number;
 * only successful answers are kept. Implementations decide how long (promptfoo keeps 14 days).
 */
export interface AnswerCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  put(key: string, answer: CachedAnswer): Promise<void>;
}

export interface CachedAnswer {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
}
