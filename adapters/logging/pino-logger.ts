import { pino } from 'pino';
import type { Logger } from '../../src/ports/logger.ts';
import { maskSecrets } from './mask-secrets.ts';
import { redactFields } from './redact-fields.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * The pino adapter of the logging port. Every call's fields and every child's bindings go through `redactFields`
 * (secrets and personal data at any depth, in any case; errors through the allow-list serializer; tokens masked
 * inside strings, messages included) before pino sees them. Conversation text (prompts, answers, message text) is
 * kept only when the level is debug or trace. Nothing is computed for a level that is off.
 */
export function createPinoLogger(level: string, destination?: pino.DestinationStream): Logger {
  // Errors are already serialized by redactFields; pino's own `err` serializer would turn them back into `Object`s.
  const options: pino.LoggerOptions = { level, base: { app: 'sonicord' }, serializers: { err: (value) => value } };
  return new RedactingLogger(destination ? pino(options, destination) : pino(options));
}

class RedactingLogger implements Logger {
  readonly #pino: pino.Logger;

  constructor(logger: pino.Logger) {
    this.#pino = logger;
  }

  debug(fields: object, message?: string): void {
    this.#write('debug', fields, message);
  }

  info(fields: object, message?: string): void {
    this.#write('info', fields, message);
  }

  warn(fields: object, message?: string): void {
    this.#write('warn', fields, message);
  }

  error(fields: object, message?: string): void {
    this.#write('error', fields, message);
  }

  child(bindings: object): Logger {
    // Bindings are written on every line whatever its level: conversation text never goes in them.
    return new RedactingLogger(this.#pino.child(safe(bindings, false)));
  }

  #write(level: Level, fields: object, message: string | undefined): void {
    if (!this.#pino.isLevelEnabled(level)) return;
    const keepConversation = level === 'debug';
    const clean = safe(fields, keepConversation);
    if (message === undefined) this.#pino[level](clean);
    else this.#pino[level](clean, maskSecrets(message));
  }
}

function safe(fields: object, keepConversation: boolean): Record<string, unknown> {
  // An error passed as the fields object itself is logged under `err`, as pino would.
  const value = redactFields(fields instanceof Error ? { err: fields } : fields, { keepConversation });
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
