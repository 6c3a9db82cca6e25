import type { OrderId } from '../../domain/ids.ts';
import type { CourierStage } from '../../domain/orders/order.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CourierDispatch } from '../../ports/order-workflow.ts';

export type CourierDelays = Readonly<Record<CourierStage, number>>;

/**
 * A pretend courier for demos: each requested step is reported after its delay, through the same path as
 * /deliver. `connect` binds that path (the workflow needs the courier and the courier needs the workflow).
 */
export class DemoCourier implements CourierDispatch {
  readonly #delays: CourierDelays;
  readonly #log: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  #advance: ((order: OrderId, stage: CourierStage) => Promise<void>) | undefined;

  constructor(delays: CourierDelays, log: Logger) {
    this.#delays = delays;
    this.#log = log;
  }

  connect(advance: (order: OrderId, stage: CourierStage) => Promise<void>): void {
    this.#advance = advance;
  }

  requested(order: OrderId, stage: CourierStage): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const advance = this.#advance;
      if (!advance) return;
      advance(order, stage).catch((error: unknown) =>
        this.#log.warn({ err: error, order, stage }, 'demo courier step failed'),
      );
    }, this.#delays[stage]);
    this.#timers.add(timer);
  }

  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** Nobody delivers by themselves: staff report each step with /deliver. */
export const manualCouriers: CourierDispatch = { requested() {} };
