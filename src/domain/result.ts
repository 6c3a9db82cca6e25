/** Expected outcomes as values: a use case returns `Result`, it throws only for bugs. */
export type Result<T, E = AppError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/**
 * An expected failure a user can cause or fix. `code` is stable (`order.out_of_stock`, `bench.missing_column`):
 * tests and logs key on it; `message` is what the user reads; `hint` says how to fix it.
 */
export interface AppError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

export const appError = (code: string, message: string, hint?: string): AppError =>
  hint === undefined ? { code, message } : { code, message, hint };

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
