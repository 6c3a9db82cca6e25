import type { Logger } from '../../src/ports/logger.ts';

/**
 * Runs a Bolt listener's body so nothing escapes it: Bolt would otherwise hand the error to its global handler
 * (and, in HTTP mode before an ack, answer 500). The command boundary already turns command failures into
 * replies; what reaches here are Slack API failures while answering.
 */
export async function safely(log: Logger, what: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    log.error({ err: error, listener: what, platform: 'slack' }, 'slack listener failed');
  }
}
