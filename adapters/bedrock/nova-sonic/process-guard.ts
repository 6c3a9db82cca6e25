import type { Logger } from '../../../src/ports/logger.ts';

/**
 * aws-sdk-js-v3 #7706: under throttling, the SDK's event-signing stream threw ERR_STREAM_PREMATURE_CLOSE /
 * ERR_STREAM_WRITE_AFTER_END from internal callbacks, past every try/catch, and took the process down. The
 * installed SDK version did not reproduce it (shared/reference/aws-wire-fakes.md), but one guild's voice stream
 * must never end every guild's conversation, so these few stream errors are logged instead of crashing.
 * Anything else is rethrown: the process still dies on real bugs.
 */
const STREAM_ERROR_CODES = new Set([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_DESTROYED',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_INVALID_STREAM',
  'ERR_HTTP2_GOAWAY_SESSION',
]);

export function isSdkStreamError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && STREAM_ERROR_CODES.has(code);
}

export interface GuardTarget {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
}

/** Installs the guard on `target` (the process); returns the function that removes it. */
export function guardSdkStreamErrors(log: Logger, target: GuardTarget = process): () => void {
  const onError = (error: unknown): void => {
    if (!isSdkStreamError(error)) throw error;
    log.error({ err: error }, 'AWS SDK stream error escaped its request; the affected voice session will recover');
  };
  target.on('uncaughtException', onError);
  target.on('unhandledRejection', onError);
  return () => {
    target.off('uncaughtException', onError);
    target.off('unhandledRejection', onError);
  };
}
