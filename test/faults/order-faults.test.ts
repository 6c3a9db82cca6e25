import { describe, expect, it } from 'vitest';
import { allFaultCases, boundedFaultCases, FAULT_KINDS, runFaultSuite } from './order-faults.ts';

// The bounded form of `npm run faults:orders`: every Task state once, the fault kinds rotating across states.
describe('order fault injection (bounded)', { timeout: 600_000 }, () => {
  it('covers every Task state and every fault kind', () => {
    const cases = boundedFaultCases();
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(FAULT_KINDS));
    expect(new Set(cases.map((c) => c.state))).toEqual(new Set(allFaultCases().map((c) => c.state)));
  });

  it('after recovery, every order satisfies the invariants', async () => {
    const report = await runFaultSuite(boundedFaultCases(), { concurrency: 4 });
    expect(report.faults).toBe(boundedFaultCases().length);
    expect(report.orders).toBe(report.faults * 5);
    expect(report.violations).toEqual([]);
  });
});
