/** Money is always integer cents: no floating-point rounding ever reaches a price. */
export type Cents = number;

export function formatCents(cents: Cents, currency = 'EUR'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, '0');
  return `${sign}${whole}.${frac} ${currency}`;
}

export const isCents = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;
