import { appError, err, ok, type Result } from '../result.ts';

/**
 * The longest text each order option accepts. The commands declare them as option `maxLength`s (so every surface
 * refuses longer input with the same message before the command runs) and the use cases check them again before
 * any store is touched (the assistant, voice and other callers do not pass through the option validator).
 */
export const ORDER_TEXT_LIMITS = {
  product: 80,
  address: 200,
  note: 200,
  /** An order id is 20 characters; room for pasted spaces and backticks. */
  orderRef: 40,
} as const;

export type OrderTextField = keyof typeof ORDER_TEXT_LIMITS;

/** Checks the given fields against their limits; the first too long one is named in the error. */
export function checkTextLimits(fields: Partial<Record<OrderTextField, string | undefined>>): Result<void> {
  for (const [name, value] of Object.entries(fields) as [OrderTextField, string | undefined][]) {
    const limit = ORDER_TEXT_LIMITS[name];
    const length = value?.trim().length ?? 0;
    if (length > limit) {
      return err(
        appError('input.too_long', `\`${name}\` is ${length} characters long; the limit is ${limit}.`, 'Shorten it.'),
      );
    }
  }
  return ok(undefined);
}
