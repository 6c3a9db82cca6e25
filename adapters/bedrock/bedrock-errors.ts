import type { ModelFailureCode } from '../../src/ports/text-model.ts';

export interface ModelFailure {
  readonly code: ModelFailureCode;
  readonly message: string;
}

export interface FailureContext {
  /** What users call the model: `Amazon Nova Lite`. */
  readonly modelName: string;
  /** Part of the answer was already streamed: transport failures then count as a failed stream. */
  readonly midStream: boolean;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
}

/**
 * Maps anything the SDK or the stream throws to a stable failure code. Names are compared case-insensitively:
 * mid-stream exceptions arrive in lower camel case (`throttlingException`) and unknown ones as plain Errors.
 */
export function toModelFailure(error: unknown, ctx: FailureContext): ModelFailure {
  const name = errorName(error).toLowerCase();
  const detail = errorMessage(error);
  const m = ctx.modelName;
  if (ctx.timedOut) return { code: 'model.timeout', message: `${m} did not finish in time.` };
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
    case 'modelnotreadyexception':
    case 'servicequotaexceededexception':
      return { code: 'model.throttled', message: `${m} is busy (throttled): ${detail}` };
    case 'accessdeniedexception':
      return { code: 'model.access_denied', message: `${m} is not enabled for this AWS account or role: ${detail}` };
    case 'resourcenotfoundexception':
      return { code: 'model.not_found', message: `${m} was not found in this region: ${detail}` };
    case 'modeltimeoutexception':
      return { code: 'model.timeout', message: `${m} timed out: ${detail}` };
    case 'validationexception':
      return /too long|context window|input is too|too many input tokens|exceeds? the (maximum|context)/i.test(detail)
        ? { code: 'model.context_exceeded', message: `The conversation is too long for ${m}: ${detail}` }
        : { code: 'model.invalid_request', message: `${m} rejected the request: ${detail}` };
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
