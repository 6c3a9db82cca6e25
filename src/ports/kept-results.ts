import type { Reply } from '../chat/reply.ts';
import type { UserId } from '../domain/ids.ts';

/** A finished result kept so it can be shown again (a /bench run, a long /ask answer). */
export interface KeptResult {
  readonly id: string;
  readonly owner: UserId;
  /** The command that produced it, e.g. `bench`. */
  readonly command: string;
  readonly keptAt: string;
  /** ISO time after which it is gone. */
  readonly until: string;
  readonly reply: Reply;
}

export type KeptResultSummary = Omit<KeptResult, 'reply'>;

/** Finished results, kept for a set time (the file store on disk, or memory in tests). */
export interface KeptResults {
  /** Stores `reply` until `until`; answers the id it can be fetched by. */
  keep(entry: Omit<KeptResult, 'id'>): Promise<string>;
  /** The result, or undefined when unknown or expired. */
  get(id: string, now: Date): Promise<KeptResult | undefined>;
  /** The owner's results still kept, newest first. */
  list(owner: UserId, now: Date): Promise<readonly KeptResultSummary[]>;
}
