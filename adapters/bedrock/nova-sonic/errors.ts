/** A Nova Sonic failure as our `error` event: a stable code, a line for people, and whether a new session may help. */
export interface SonicFailure {
  readonly code: string;
  readonly message: string;
  readonly recoverable: boolean;
}

/**
 * Restart-worthy errors follow LiveKit's list (nova-sonic.md section 9): throttling, model not ready / errors,
 * stream errors, the session time limit, and ValidationExceptions that really are transport or service trouble.
 */
export function classifySonicError(error: unknown): SonicFailure {
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'ThrottlingException':
      return {
        code: 'voice.throttled',
        message: 'Nova Sonic is busy (throttled).',
        recoverable: true,
      };
    case 'ModelTimeoutException':
      return { code: 'voice.session_timeout', message: 'The voice session reached its time limit.', recoverable: true };
    case 'ServiceUnavailableException':
    case 'InternalServerException':
    case 'ModelNotReadyException':
    case 'ModelErrorException':
    case 'ModelStreamErrorException':
      return {
        code: 'voice.model_error',
        message: `Nova Sonic stream failed (${name}: ${detail}).`,
        recoverable: true,
      };
    case 'ValidationException':
      return /RST_STREAM|System instability|Tool Response parsing|InvalidEventBytes/i.test(detail)
        ? { code: 'voice.model_error', message: `Nova Sonic stream failed (${detail}).`, recoverable: true }
        : { code: 'voice.invalid_request', message: `Nova Sonic rejected the request: ${detail}`, recoverable: false };
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
      return {
        code: 'voice.access_denied',
        message: `No access to Nova Sonic (${detail}). Enable the model in the Bedrock console and grant bedrock:InvokeModelWithBidirectionalStream.`,
        recoverable: false,
      };
    case 'ResourceNotFoundException':
      return {
        code: 'voice.model_not_found',
        message: `Nova Sonic model not found (${detail}). Check SONIC_MODEL_ID and SONIC_REGION.`,
        recoverable: false,
      };
    default:
      // Network resets, GOAWAY, h2 stream errors: a fresh stream usually works.
      return { code: 'voice.stream_failed', message: `Voice stream failed (${name}: ${detail}).`, recoverable: true };
  }
}
