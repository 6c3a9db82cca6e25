import { describe, expect, it } from 'vitest';
import { describeZones, findZone, suggestAddresses } from '../../../src/domain/orders/zones.ts';
import { testZones } from '../../support/order-stack.ts';

describe('delivery zones you can discover', () => {
  it('describes every zone with its postal codes and places, as code', () => {
    expect(describeZones(testZones)).toContain('City centre (`1000`, `1001`, `old town`, `centre`)');
    expect(describeZones(testZones)).toContain('North (`102x`, `103x`, `northside`)');
  });

  it('completes the word being typed into a postal code or place', () => {
    expect(suggestAddresses(testZones, '5 Baker Street, 10').map((s) => s.address)).toEqual([
      '5 Baker Street, 1000',
      '5 Baker Street, 1001',
      '5 Baker Street, 1020',
      '5 Baker Street, 1030',
      '5 Baker Street, 1040',
      '5 Baker Street, 1050',
    ]);
    expect(suggestAddresses(testZones, '12 Main Street ri')).toEqual([
      { label: '12 Main Street, riverside · South (riverside)', address: '12 Main Street, riverside' },
    ]);
  });

  it('offers every zone after an address that has none, and each suggestion is deliverable', () => {
    const suggestions = suggestAddresses(testZones, '12 Main Street');
    expect(suggestions).toHaveLength(10);
    for (const s of suggestions) expect(findZone(testZones, s.address), s.address).toBeDefined();
  });

  it('confirms an address that already names a zone', () => {
    expect(suggestAddresses(testZones, '1000 Old town 5')).toEqual([
      { label: '1000 Old town 5 · City centre', address: '1000 Old town 5' },
    ]);
  });

  it('keeps suggestions within Discord’s 100 characters', () => {
    for (const s of suggestAddresses(testZones, 'x'.repeat(300))) {
      expect(s.label.length).toBeLessThanOrEqual(100);
      expect(s.address.length).toBeLessThanOrEqual(100);
    }
  });
});
