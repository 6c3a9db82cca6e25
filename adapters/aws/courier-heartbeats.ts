import type { Logger } from '../../src/ports/logger.ts';
import type { OrderStore } from '../../src/ports/order-store.ts';

/** The heartbeat half of the Step Functions adapter (SfnOrderWorkflow.heartbeat). */
export interface HeartbeatTarget {
  heartbeat(token: string): Promise<boolean>;
}

/**
 * Keeps waiting courier steps alive. The ASL's callback states have HeartbeatSeconds 3600: without a heartbeat a
 * step that staff report later than that (by /deliver) would time out and cancel a paid order. While the bot
 * runs, it heartbeats every order that waits on a courier; TimeoutSeconds still bounds how long a step may take.
 */
export class CourierHeartbeats {
  readonly #store: Pick<OrderStore, 'listUnfinished'>;
  readonly #target: HeartbeatTarget;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(store: Pick<OrderStore, 'listUnfinished'>, target: HeartbeatTarget, log: Logger) {
    this.#store = store;
    this.#target = target;
    this.#log = log;
  }

  /** One pass: heartbeats every awaiting courier step; returns how many were still alive. */
  async beat(): Promise<number> {
    let alive = 0;
    for (const order of await this.#store.listUnfinished()) {
      if (!order.awaiting?.token) continue;
      try {
        if (await this.#target.heartbeat(order.awaiting.token)) alive += 1;
        else this.#log.debug({ order: order.id }, 'courier step no longer waiting');
      } catch (error) {
        // One failed heartbeat is not fatal: the next pass comes well within HeartbeatSeconds.
        this.#log.warn({ err: error, order: order.id }, 'courier heartbeat failed');
      }
    }
    return alive;
  }

  /** Beats every `intervalMs` (keep it well under the ASL's HeartbeatSeconds); passes never overlap. */
  start(intervalMs: number): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.beat()
        .catch((error: unknown) => {
          this.#log.warn({ err: error }, 'courier heartbeat pass failed');
          return 0;
        })
        .finally(() => {
          this.#running = undefined;
        });
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
