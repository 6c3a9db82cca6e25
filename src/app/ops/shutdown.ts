import type { Logger } from '../../ports/logger.ts';
import type { DrainOutcome, Lifecycle } from './lifecycle.ts';

export interface ShutdownSteps {
  readonly lifecycle: Lifecycle;
  readonly graceMs: number;
  readonly log: Logger;
  /** Order workflows: stopped, not finished; they are durable and the reconciler resumes them on the next start. */
  readonly stopOrders: () => Promise<void>;
  /** Surfaces and voice sessions (which already said goodbye when the drain began). */
  readonly stopSurfaces: () => Promise<void>;
  /** The ops listener and the stores, last. */
  readonly stopStores: () => Promise<void>;
}

/**
 * SIGTERM/SIGINT: stop taking work (readiness fails at once, new commands are refused, voice sessions say goodbye),
 * give running commands `graceMs` to finish while the surfaces can still deliver their answers, cut what is left
 * with a note, then stop orders, surfaces and stores in that order. A step that fails does not skip the next.
 */
export async function shutDown(steps: ShutdownSteps): Promise<DrainOutcome> {
  const { lifecycle, log } = steps;
  log.info({ inFlight: lifecycle.inFlight, graceMs: steps.graceMs }, 'shutting down: no new work; finishing what runs');
  const drained = await lifecycle.drain(steps.graceMs);
  log.info({ ...drained }, 'in-flight work ended');
  for (const [name, step] of [
    ['orders', steps.stopOrders],
    ['surfaces', steps.stopSurfaces],
    ['stores', steps.stopStores],
  ] as const) {
    await step().catch((error: unknown) => log.error({ err: error, step: name }, 'shutdown step failed'));
  }
  return drained;
}
