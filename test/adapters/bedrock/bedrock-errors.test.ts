import { describe, expect, it } from 'vitest';
import { type FailureContext, toModelFailure } from '../../../adapters/bedrock/bedrock-errors.ts';

const ctx: FailureContext = {
  modelName: 'Claude Sonnet 4.5',
  modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  region: 'eu-west-3',
  midStream: false,
  timedOut: false,
  cancelled: false,
};
const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const validation = (message: string) => named('ValidationException', message);

describe('toModelFailure with the error texts Bedrock really sends', () => {
  it.each([
    // Claude, through Bedrock ("The model returned the following errors: ..." wraps the Anthropic text).
    'The model returned the following errors: input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again',
    'input length and `max_tokens` exceed context limit: 174167 + 64000 > 200000, decrease input length or `max_tokens` and try again',
    'The model returned the following errors: prompt is too long: 200049 tokens > 200000 maximum',
    // Bedrock's generic wording.
    'Input is too long for requested model.',
    'The model returned the following errors: Input is too long for requested model.',
    // OpenAI-style models served on Bedrock.
    "This model's maximum context length is 131072 tokens. However, you requested 133034 tokens (125034 in the messages, 8000 in the completion). Please reduce the length of the messages or completion.",
    'Too many input tokens. Max input tokens: 128000, request input token count: 130512',
  ])('reads a context overflow: %s', (message) => {
    expect(toModelFailure(validation(message), ctx).code).toBe('model.context_exceeded');
  });

  it('does not mistake a too-large maxTokens for a context overflow', () => {
    const message =
      'The maximum tokens you requested exceeds the model limit of 2048. Try again with a maximum tokens value that is lower than 2048.';
    expect(toModelFailure(validation(message), ctx).code).toBe('model.invalid_request');
  });

  it('names the id and region for an invalid model identifier (was: "invalid request, rephrase")', () => {
    const failure = toModelFailure(validation('The provided model identifier is invalid.'), ctx);
    expect(failure.code).toBe('model.bad_model_id');
    expect(failure.message).toContain('`anthropic.claude-sonnet-4-5-20250929-v1:0`');
    expect(failure.message).toContain('eu-west-3');
    expect(failure.message).toContain('MODELS_FILE');
  });

  it('says an inference profile is needed for on-demand throughput errors', () => {
    for (const apostrophe of ["'", '’']) {
      const failure = toModelFailure(
        validation(
          `Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn${apostrophe}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
        ),
        ctx,
      );
      expect(failure.code).toBe('model.bad_model_id');
      expect(failure.message).toMatch(
        /inference-profile id \(us\., eu\., apac\. or global\. prefix\) offered in eu-west-3/,
      );
    }
  });

  it('tells quota, not-ready, throttled mid-answer and access apart (was: all "busy, try again in a minute")', () => {
    const quota = toModelFailure(
      named('ServiceQuotaExceededException', 'Your request exceeds the service quota for your account.'),
      ctx,
    );
    expect(quota.code).toBe('model.quota_exceeded');
    expect(quota.message).toMatch(/quota .* does not lift by waiting/);
    const notReady = toModelFailure(named('ModelNotReadyException', 'Model is not ready to serve inference.'), ctx);
    expect(notReady.code).toBe('model.not_ready');
    const midAnswer = toModelFailure(named('throttlingException', 'Too many tokens, please wait.'), {
      ...ctx,
      midStream: true,
    });
    expect(midAnswer).toMatchObject({ code: 'model.throttled' });
    expect(midAnswer.message).toContain('in the middle of its answer');
    const denied = toModelFailure(
      named('AccessDeniedException', "You don't have access to the model with the specified model ID."),
      ctx,
    );
    expect(denied.code).toBe('model.access_denied');
    expect(denied.message).toContain('has not been granted');
    expect(new Set([quota.message, notReady.message, midAnswer.message, denied.message]).size).toBe(4);
  });

  it('gives a wrong id in the region an operator-facing message too', () => {
    const failure = toModelFailure(named('ResourceNotFoundException', 'Model not found.'), ctx);
    expect(failure.code).toBe('model.not_found');
    expect(failure.message).toContain('eu-west-3');
  });
});
