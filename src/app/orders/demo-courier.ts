import type { OrderId } from '../../domain/ids.ts';
import type { CourierStage } from '../../domain/orders/order.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CourierDispatch } from '../../ports/order-workflow.ts';

export type CourierDelays = Readonly<Record<CourierStage, number>>;

/** How the demo courier reports a step: by the task's token first, as /deliver does (reading the order) otherwise. */
export interface CourierReport {
  /** Completes the waiting task (`OrderWorkflow.completeTask`); false when no execution waits on the token. */
  complete(token: string, stage: CourierStage): Promise<boolean>;
  /** The /deliver path: reads the order, completes the token it finds there. */
  advance(order: OrderId, stage: CourierStage): Promise<void>;
}

/**
 * A pretend courier for demos: each requested step is reported after its delay. It completes the task with the token
 * it was handed (no read of the order); a token nothing waits on any more (the execution restarted and waits under
 * a fresh one) falls back to the /deliver path. `connect` binds both (the workflow needs the courier and the courier
 * needs the workflow).
 */
export class DemoCourier implements CourierDispatch {
  readonly #delays: CourierDelays;
  readonly #log: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  #report: CourierReport | undefined;

  constructor(delays: CourierDelays, log: Logger) {
    this.#delays = delays;
    this.#log = log;
  }

  connect(report: CourierReport): void {
    this.#report = report;
  }

  requested(order: OrderId, stage: CourierStage, token: string): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const report = this.#report;
      if (!report) return;
      this.#deliver(report, order, stage, token).catch((error: unknown) =>
        this.#log.warn({ err: error, order, stage }, 'demo courier step failed'),
      );
    }, this.#delays[stage]);
    this.#timers.add(timer);
  }

  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #deliver(report: CourierReport, order: OrderId, stage: CourierStage, token: string): Promise<void> {
    if (token !== '' && (await report.complete(token, stage))) return;
    await report.advance(order, stage);
  }
}

/** Nobody delivers by themselves: staff report each step with /deliver. */
export const manualCouriers: CourierDispatch = { requested() {} };
