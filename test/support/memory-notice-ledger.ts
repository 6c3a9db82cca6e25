import type { OrderId } from '../../src/domain/ids.ts';
import type { NoticeLedger } from '../../src/ports/status-notices.ts';

/** The ledger's rules in memory (the DynamoDB one is tested against dynalite): a fake that implements the port. */
export class MemoryNoticeLedger implements NoticeLedger {
  readonly shownRank = new Map<OrderId, number>();
  readonly claims = new Map<OrderId, { rank: number; until: number }>();

  async claim(order: OrderId, rank: number, leaseUntilMs: number, nowMs: number) {
    if ((this.shownRank.get(order) ?? -1) >= rank) return 'shown' as const;
    const held = this.claims.get(order);
    if (held && held.until >= nowMs) return 'busy' as const;
    this.claims.set(order, { rank, until: leaseUntilMs });
    return 'claimed' as const;
  }

  async shown(order: OrderId, rank: number): Promise<void> {
    if ((this.shownRank.get(order) ?? -1) < rank) this.shownRank.set(order, rank);
    // A newer notice's claim (a status write replaced ours) stays.
    if ((this.claims.get(order)?.rank ?? -1) <= rank) this.claims.delete(order);
  }

  async release(order: OrderId, rank: number): Promise<void> {
    if (this.claims.get(order)?.rank === rank) this.claims.delete(order);
  }
}
