import { pino } from 'pino';
import type { Logger } from '../../src/ports/logger.ts';

/** Paths pino blanks out wherever they appear: tokens and secrets never reach the logs. */
const redact = [
  '*.token',
  '*.staffToken',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.authorization',
  '*.headers.authorization',
  'env.DISCORD_TOKEN',
  'env.SLACK_BOT_TOKEN',
  'env.SLACK_APP_TOKEN',
  'env.SLACK_SIGNING_SECRET',
];

export function createPinoLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: redact, censor: '[redacted]' },
    base: { app: 'sonicord' },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
