import type { ModelFailureCode } from '../../src/ports/text-model.ts';

export interface ModelFailure {
  readonly code: ModelFailureCode;
  readonly message: string;
}

export interface FailureContext {
  /** What users call the model: `Amazon Nova Lite`. */
  readonly modelName: string;
  /** The id Bedrock was called with (a profile or base id), for operator-facing messages. */
  readonly modelId?: string;
  /** The client's region (AWS_REGION), for operator-facing messages. */
  readonly region?: string;
  /** Part of the answer was already streamed: transport failures then count as a failed stream. */
  readonly midStream: boolean;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
}

/**
 * Every wording of "the conversation does not fit" seen from Bedrock models (Claude's two, the generic Bedrock one,
 * OpenAI-style models served on Bedrock). Fixtures in test/adapters/bedrock/bedrock-errors.test.ts.
 */
const CONTEXT_OVERFLOW =
  /context (limit|length|window)|prompt is too long|input is too long|too many input tokens|input tokens exceed|number of input tokens exceeds|exceeds the maximum number of tokens allowed|too large for model with \d+ maximum context/i;
/** "The provided model identifier is invalid." */
const INVALID_MODEL_ID =
  /model identifier is invalid|invalid model identifier|model id.{0,40}(is )?not (valid|supported)/i;
/** "Invocation of model ID … with on-demand throughput isn't supported. Retry … with … an inference profile …" */
const NEEDS_PROFILE = /on-demand throughput is(n.t| not) supported|inference profile/i;

/**
 * Maps anything the SDK or the stream throws to a stable failure code. Names are compared case-insensitively:
 * mid-stream exceptions arrive in lower camel case (`throttlingException`) and unknown ones as plain Errors.
 */
export function toModelFailure(error: unknown, ctx: FailureContext): ModelFailure {
  const name = errorName(error).toLowerCase();
  const detail = errorMessage(error);
  const m = ctx.modelName;
  if (ctx.timedOut) return { code: 'model.timeout', message: `${m} stopped sending and was given up on.` };
  if (ctx.cancelled || name === 'aborterror')
    return { code: 'model.aborted', message: `The request to ${m} was cancelled.` };
  switch (name) {
    case 'credentialsprovidererror':
    case 'unrecognizedclientexception':
    case 'invalidsignatureexception':
    case 'expiredtokenexception':
      return {
        code: 'model.no_credentials',
        message: `AWS credentials are needed to call ${m} (none were found, or they were rejected: ${detail}).`,
      };
    case 'throttlingexception':
    case 'toomanyrequestsexception':
      return ctx.midStream
        ? { code: 'model.throttled', message: `${m} was throttled in the middle of its answer: ${detail}` }
        : { code: 'model.throttled', message: `${m} is busy (throttled): ${detail}` };
    case 'modelnotreadyexception':
      return {
        code: 'model.not_ready',
        message: `${m} is not ready yet (Bedrock is still preparing it); it usually is within a few minutes: ${detail}`,
      };
    case 'servicequotaexceededexception':
      return {
        code: 'model.quota_exceeded',
        message: `This AWS account's Bedrock quota for ${m} is used up; it does not lift by waiting a minute: ${detail}`,
      };
    case 'accessdeniedexception':
      return {
        code: 'model.access_denied',
        message: `Access to ${m} has not been granted to this AWS account or role: ${detail}`,
      };
    case 'resourcenotfoundexception':
      return { ...badModelId(ctx, detail, 'was not found'), code: 'model.not_found' };
    case 'modeltimeoutexception':
      return { code: 'model.timeout', message: `${m} timed out: ${detail}` };
    case 'validationexception':
      if (CONTEXT_OVERFLOW.test(detail))
        return { code: 'model.context_exceeded', message: `The conversation is too long for ${m}: ${detail}` };
      if (INVALID_MODEL_ID.test(detail)) return badModelId(ctx, detail, 'is not a model id Bedrock knows');
      if (NEEDS_PROFILE.test(detail)) return badModelId(ctx, detail, 'needs an inference-profile id');
      return { code: 'model.invalid_request', message: `${m} rejected the request: ${detail}` };
    case 'modelstreamerrorexception':
    case 'modelerrorexception':
      return { code: 'model.stream_failed', message: `${m} failed while answering: ${detail}` };
    case 'internalserverexception':
    case 'serviceunavailableexception':
      return ctx.midStream
        ? { code: 'model.stream_failed', message: `${m} failed while answering: ${detail}` }
        : { code: 'model.unavailable', message: `${m} is unavailable right now: ${detail}` };
    default:
      // Transport errors (HTTP/2 resets, refused connections, truncated frames) and anything unknown.
      return ctx.midStream
        ? { code: 'model.stream_failed', message: `The answer from ${m} was cut off: ${detail}` }
        : { code: 'model.unavailable', message: `Could not reach ${m}: ${detail}` };
  }
}

/** For the operator: which id, which region, what to set. The chain goes on; another model may be configured right. */
function badModelId(ctx: FailureContext, detail: string, what: string): ModelFailure {
  const id = ctx.modelId ?? ctx.modelName;
  const region = ctx.region ?? 'the configured region';
  const fix = /inference profile|on-demand/i.test(detail)
    ? `set its bedrockId in MODELS_FILE to an inference-profile id (us., eu., apac. or global. prefix) offered in ${region}`
    : `check its bedrockId in MODELS_FILE and AWS_REGION: the id must exist in ${region} (a profile prefix must fit the region)`;
  return {
    code: 'model.bad_model_id',
    message: `${ctx.modelName} is misconfigured: \`${id}\` ${what} in ${region}. Operator: ${fix}; \`npm run check:models\` lists the ids that work. (${detail})`,
  };
}

const errorName = (error: unknown): string =>
  error instanceof Error
    ? error.name
    : typeof error === 'object' && error !== null && 'name' in error
      ? String(error.name)
      : '';

const errorMessage = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || errorName(error) || 'unknown error';
};
