import type { Metrics } from '../../ports/metrics.ts';
import type { Lifecycle } from './lifecycle.ts';

/** What operators get: metrics recorded at the central places, and the lifecycle shutdown drains. */
export interface OpsDeps {
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
}
