/**
 * Ids seen within a time window, to drop a second delivery of the same interaction (gateway resumes, retries).
 * Old entries are pruned as new ones arrive, so memory stays bounded by the traffic of one window.
 */
export class RecentIds {
  readonly #windowMs: number;
  readonly #seenAt = new Map<string, number>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records the id; false when it was already seen within the window. */
  add(id: string, now: number): boolean {
    this.#prune(now);
    if (this.#seenAt.has(id)) return false;
    this.#seenAt.set(id, now);
    return true;
  }

  #prune(now: number): void {
    // Map iteration follows insertion order, which is time order here.
    for (const [id, at] of this.#seenAt) {
      if (now - at < this.#windowMs) return;
      this.#seenAt.delete(id);
    }
  }
}
