// The one triage of connector failures (CrmError subclasses in types.ts): what the outbox
// does with a failed send, what a failed lookup says about the connection, and the code and
// words the UI gets. Every caller classifies here instead of testing error classes itself.
import { AppError } from '../platform/app-error.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from './types.ts';

export type CrmFailure =
  /** 401/403: the token is refused; nothing is retried until the rep reconnects. */
  | { kind: 'auth'; error: CrmAuthError }
  /** 429: retry no earlier than `error.retryAfterMs`. */
  | { kind: 'rate_limited'; error: CrmRateLimitError }
  /** No answer at all (DNS, refused, reset, timeout): offline for the CRM. */
  | { kind: 'unreachable'; error: CrmUnreachableError }
  /** The CRM answered no for good (4xx other than the above): retrying cannot help. */
  | { kind: 'rejected'; error: CrmError }
  /** 5xx or an unexpected error: the CRM may have committed before failing. */
  | { kind: 'server'; error: unknown };

export function classifyCrmError(error: unknown): CrmFailure {
  if (error instanceof CrmAuthError) return { kind: 'auth', error };
  if (error instanceof CrmRateLimitError) return { kind: 'rate_limited', error };
  if (error instanceof CrmUnreachableError) return { kind: 'unreachable', error };
  if (error instanceof CrmError && !error.retryable) return { kind: 'rejected', error };
  return { kind: 'server', error };
}

/**
 * The failure as the UI acts on it (contract ErrorCode): auth → invalid_input (the token
 * given was refused), rate_limited, unreachable → offline; anything else is rethrown as it
 * is, for dispatch() to log and answer `internal`. `crmName` is the CRM's display name.
 */
export function crmAppError(error: unknown, crmName: string): unknown {
  const failure = classifyCrmError(error);
  switch (failure.kind) {
    case 'auth':
      return new AppError('invalid_input', `${crmName} refused the token: ${failure.error.message}`);
    case 'rate_limited':
      if (failure.error.policy === 'daily') {
        const at = new Date(Date.now() + failure.error.retryAfterMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
        return new AppError('rate_limited', `${crmName}'s daily API limit is reached; queued logs go out after it resets (about ${at})`);
      }
      return new AppError('rate_limited', `${crmName} asks us to slow down; try again in a moment`);
    case 'unreachable':
      return new AppError('offline', `${crmName} cannot be reached; check the connection`);
    default:
      return error;
  }
}

/** Error codes of connect-time failures: the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether the request provably never left this machine (refused, no route, no DNS), so resending cannot duplicate it. */
export function neverSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
  }
  return false;
}
