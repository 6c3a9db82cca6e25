import { maskSecrets } from './mask-secrets.ts';
import { serializeError } from './serialize-error.ts';

export const REDACTED = '[redacted]';

/**
 * Field names are split into lowercase words (`botToken` → bot, token; `X-Slack-Signature` → x, slack, signature)
 * and classified by those words, at any depth and in any case.
 * - secrets: never logged;
 * - personal data (an address, a phone number, a payment token, a request body): never logged;
 * - conversation text (prompts, answers, message text): only at debug level and below.
 * Numbers and booleans are kept whatever the name (`inputTokens: 120` is a count, not a credential).
 */
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'authorization',
  'auth',
  'cookie',
  'credential',
  'credentials',
  'signature',
]);
const SECRET_PAIRS = [
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
  ['signing', 'key'],
  ['secret', 'key'],
] as const;
const PERSONAL_WORDS = new Set(['address', 'phone', 'email', 'payment', 'card', 'body']);
const CONVERSATION_WORDS = new Set([
  'text',
  'content',
  'prompt',
  'prompts',
  'answer',
  'question',
  'transcript',
  'note',
  'completion',
  'messages',
]);

export type FieldClass = 'secret' | 'personal' | 'conversation' | 'plain';

export function classifyKey(key: string): FieldClass {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => SECRET_WORDS.has(w))) return 'secret';
  if (SECRET_PAIRS.some(([a, b]) => words.includes(a) && words.includes(b))) return 'secret';
  if (words.some((w) => PERSONAL_WORDS.has(w))) return 'personal';
  if (words.some((w) => CONVERSATION_WORDS.has(w))) return 'conversation';
  return 'plain';
}

export interface RedactOptions {
  /** Debug and trace: conversation text may be logged (never secrets nor personal data). */
  readonly keepConversation: boolean;
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 50;

/**
 * A copy of `value` that is safe to log: fields classified above replaced by `[redacted]` (or a length), errors
 * through `serializeError`, secrets inside strings masked, binary data as its size, cycles and depth bounded.
 */
export function redactFields(value: unknown, options: RedactOptions): unknown {
  return walk(value, options, 0, new WeakSet());
}

function walk(value: unknown, o: RedactOptions, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (value instanceof Error) return serializeError(value);
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((item) => walk(item, o, depth + 1, seen));
      if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
      return items;
    }
    const entries =
      value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries.slice(0, MAX_ITEMS)) out[key] = redactField(key, field, o, depth, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactField(key: string, field: unknown, o: RedactOptions, depth: number, seen: WeakSet<object>): unknown {
  if (field === null || field === undefined || typeof field === 'number' || typeof field === 'boolean') return field;
  const kind = classifyKey(key);
  if (kind === 'secret' || kind === 'personal') return REDACTED;
  if (kind === 'conversation' && !o.keepConversation) {
    return typeof field === 'string' ? `[${field.length} chars]` : REDACTED;
  }
  return walk(field, o, depth + 1, seen);
}
