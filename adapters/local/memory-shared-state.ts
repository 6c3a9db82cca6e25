import type { DeliveryClaims, Leases } from '../../src/ports/shared-state.ts';

/**
 * The shared-state ports for one process (SHARED_STATE=memory): correct as long as only this process serves the
 * bot. Expired entries are dropped when touched, and claims are swept when they pile up. (No shared token bucket:
 * in one process the Slack workspace budget of adapters/slack/workspace-edit-budget.ts is already the only one.)
 */
export class MemoryDeliveryClaims implements DeliveryClaims {
  readonly #until = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    if ((this.#until.get(key) ?? -1) >= now) return false;
    if (this.#until.size >= 10_000) for (const [k, until] of this.#until) if (until < now) this.#until.delete(k);
    this.#until.set(key, now + ttlMs);
    return true;
  }
}

export class MemoryLeases implements Leases {
  readonly #leases = new Map<string, { owner: string; until: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    // No await before the write: concurrent acquires in this process must not both see the key free.
    const held = this.#liveOwner(key);
    if (held !== undefined && held !== owner) return false;
    this.#leases.set(key, { owner, until: this.#now() + ttlMs });
    return true;
  }

  async renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.#leases.get(key)?.owner !== owner) return false;
    this.#leases.set(key, { owner, until: this.#now() + ttlMs });
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.#leases.get(key)?.owner === owner) this.#leases.delete(key);
  }

  async holder(key: string): Promise<string | undefined> {
    return this.#liveOwner(key);
  }

  #liveOwner(key: string): string | undefined {
    const lease = this.#leases.get(key);
    return lease && lease.until >= this.#now() ? lease.owner : undefined;
  }
}
