// Errors cross the process boundary as values: the UI switches on `code`, a closed
// union, and shows `message` (never a stack, a token or a path).

export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'reconnect_required',
  'offline',
  'rate_limited',
  'keychain_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ResultError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ResultError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });
