import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/ports/logger.ts';

/**
 * Bolt and its WebClient log through this, into our structured logger (which applies the level and redaction).
 * Bolt's console logger would otherwise print unstructured lines beside pino's.
 */
export function boltLogger(log: Logger): BoltLogger {
  const line = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
  const errorOf = (parts: unknown[]) => parts.find((p) => p instanceof Error);
  return {
    debug: (...parts: unknown[]) => log.debug({ lib: 'bolt' }, line(parts)),
    info: (...parts: unknown[]) => log.info({ lib: 'bolt' }, line(parts)),
    warn: (...parts: unknown[]) => log.warn({ lib: 'bolt' }, line(parts)),
    error: (...parts: unknown[]) => log.error({ lib: 'bolt', err: errorOf(parts) }, line(parts)),
    // Our logger filters by level itself, so Bolt may pass everything.
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}
