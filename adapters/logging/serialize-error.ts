import { maskSecrets } from './mask-secrets.ts';

/** What a logged error keeps: an allow-list, so request bodies, headers and client configs never get in. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  status?: number;
  method?: string;
  url?: string;
  /** Slack's `error` field (invalid_auth, channel_not_found…) from a platform error's response data. */
  platformError?: string;
  retryAfter?: number;
  cause?: SerializedError | string;
  errors?: (SerializedError | string)[];
}

const MAX_DEPTH = 4;

/**
 * An error as it may appear in the logs: its type, message, stack and a few diagnostic fields, with secrets masked
 * inside every string (DiscordAPIError's url holds the interaction token; its requestBody the user's message, an
 * address, a phone number). Causes and aggregated errors are followed a few levels down.
 */
export function serializeError(error: unknown, depth = 0): SerializedError | string {
  if (!(error instanceof Error)) return describe(error);
  const source = error as Error & Record<string, unknown>;
  const out: SerializedError = { type: safeName(error), message: maskSecrets(error.message) };
  if (error.stack) out.stack = maskSecrets(error.stack);
  const code = source.code;
  if (typeof code === 'string' || typeof code === 'number')
    out.code = typeof code === 'string' ? maskSecrets(code) : code;
  const status = source.status ?? source.statusCode;
  if (typeof status === 'number') out.status = status;
  if (typeof source.method === 'string') out.method = source.method;
  if (typeof source.url === 'string') out.url = maskSecrets(source.url);
  const platformError = (source.data as { error?: unknown } | undefined)?.error;
  if (typeof platformError === 'string') out.platformError = maskSecrets(platformError);
  if (typeof source.retryAfter === 'number') out.retryAfter = source.retryAfter;
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
    if (error instanceof AggregateError) out.errors = error.errors.slice(0, 5).map((e) => serializeError(e, depth + 1));
  }
  return out;
}

function safeName(error: Error): string {
  try {
    return error.name || error.constructor.name || 'Error';
  } catch {
    return 'Error';
  }
}

/** Something thrown that is not an Error: a primitive is shown (masked); an object might be anything, so it is not. */
function describe(value: unknown): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return maskSecrets(String(value));
  return `[a thrown ${Array.isArray(value) ? 'array' : 'object'}]`;
}
