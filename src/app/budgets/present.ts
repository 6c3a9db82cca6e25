import type { Dimension } from '../../ports/budget-store.ts';

/** An amount as people read it: tokens with separators, dollars, minutes. */
export function describeAmount(dimension: Dimension, value: number): string {
  switch (dimension) {
    case 'tokens':
      return `${Math.round(value).toLocaleString('en-US')} tokens`;
    case 'costMicros':
      return `US$${(value / 1e6).toFixed(value > 0 && value < 10_000 ? 4 : 2)}`;
    case 'voiceSeconds':
      return `${Math.floor(value / 60)} min${value % 60 === 0 ? '' : ` ${Math.round(value % 60)} s`}`;
  }
}

/** "at 00:00 UTC on 2026-12-05 (in 3 h 12 min)". */
export function resetsIn(at: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [
    days > 0 ? `${days} d` : '',
    hours > 0 ? `${hours} h` : '',
    rest > 0 && days === 0 ? `${rest} min` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `at ${at.toISOString().slice(11, 16)} UTC on ${at.toISOString().slice(0, 10)} (in ${parts || '1 min'})`;
}
