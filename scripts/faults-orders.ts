/**
 * npm run faults:orders — every Task state of the order ASL × {throw, timeout, hang past timeout, crash before its
 * write, crash after its write}, five orders in flight per fault, recovery, then the invariants over every order.
 * `--bounded`: one fault kind per state (rotating), as CI runs it.
 */
import { allFaultCases, boundedFaultCases, runFaultSuite } from '../test/faults/order-faults.ts';

const bounded = process.argv.includes('--bounded');
const cases = bounded ? boundedFaultCases() : allFaultCases();
const started = Date.now();
const report = await runFaultSuite(cases, {
  concurrency: 6,
  onCase: (c, v) => {
    if (v > 0) console.error(`  ${c.state}/${c.kind}: ${v} violation(s)`);
  },
});
for (const v of report.violations) console.error(`  ${v.fault} ${v.order ?? v.productId}: ${v.rule} (${v.detail})`);
console.log(
  `${report.faults} faults injected, ${report.orders} orders, ${report.violations.length} invariant violations` +
    ` (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
process.exitCode = report.violations.length === 0 ? 0 : 1;
