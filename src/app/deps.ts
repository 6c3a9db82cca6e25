import type { KeptResults } from '../ports/kept-results.ts';
import type { Logger } from '../ports/logger.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { AskDeps } from './ask/deps.ts';
import type { AwsAccess } from './aws-access.ts';
import type { BenchDeps } from './bench/deps.ts';
import type { Budgets } from './budgets/budgets.ts';
import type { KnowledgeDeps } from './knowledge/deps.ts';
import type { OpsDeps } from './ops/deps.ts';
import type { OrderDeps } from './orders/deps.ts';
import type { ToolRegistry } from './tools.ts';
import type { VoiceDeps } from './voice/deps.ts';

/** Everything commands and use cases may use, built once in src/main.ts. Each area owns its group. */
export interface AppDeps {
  readonly log: Logger;
  readonly now: () => Date;
  readonly notifier: Notifier;
  readonly tools: ToolRegistry;
  readonly ask: AskDeps;
  readonly orders: OrderDeps;
  readonly bench: BenchDeps;
  readonly voice: VoiceDeps;
  /** Whether AWS credentials were found; absent means unchecked (features try, and a failure says why). */
  readonly aws?: AwsAccess;
  readonly knowledge: KnowledgeDeps;
  /** Finished results kept to be fetched again (/result); absent: nothing is kept. */
  readonly results?: { readonly store: KeptResults; readonly keepForMs: number };
  /** Metrics and the shutdown lifecycle; absent: nothing recorded, nothing drained (tests). */
  readonly ops?: OpsDeps;
  /** Per-user and per-server limits on model use and voice minutes; absent: no limits. */
  readonly budgets?: Budgets;
}
