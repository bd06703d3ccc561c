// Salesforce's failures as the CRM error types the outbox acts on: error bodies (top level
// or a Composite subrequest), token refresh failures and requests that got no answer.
// Source: developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
// (401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED, 414/431 for a URI or headers too long).
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from '../types.ts';

/** One error item of Salesforce's error body. */
export interface SalesforceErrorItem {
  message?: string;
  errorCode?: string;
  /** sObject Collections use statusCode instead of errorCode. */
  statusCode?: string;
  fields?: string[];
}

/** A refusal the org answered with an error body: its HTTP status, first errorCode and fields. */
export class SalesforceRequestError extends CrmError {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[];
  constructor(message: string, status: number, errorCode: string, fields: string[], retryable: boolean) {
    super(message, { retryable });
    this.name = 'SalesforceRequestError';
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }
}

/** The first error item of an error body (an array of items, or one). */
export function firstError(body: unknown): SalesforceErrorItem {
  const item = Array.isArray(body) ? body[0] : body;
  return item && typeof item === 'object' ? (item as SalesforceErrorItem) : {};
}

/**
 * Maps a non-2xx answer (top level or a Composite subrequest) onto the connector's errors:
 * 401 → CrmAuthError; 403 REQUEST_LIMIT_EXCEEDED → CrmRateLimitError(requestLimitRetryMs);
 * other 403 (API disabled, insufficient access) → CrmAuthError; 5xx → retryable
 * SalesforceRequestError; other statuses → SalesforceRequestError, not retryable.
 */
export function salesforceError(status: number, body: unknown, requestLimitRetryMs: number): CrmError {
  const item = firstError(body);
  const code = item.errorCode ?? item.statusCode ?? '';
  const detail = `${code ? ` ${code}` : ''}${item.message ? `: ${item.message}` : ''}`;
  if (status === 401) return new CrmAuthError(`Salesforce refused the session (401${detail})`);
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return new CrmRateLimitError(`Salesforce's daily API allocation is spent (403${detail})`, requestLimitRetryMs, { policy: 'daily' });
  }
  if (status === 403) return new CrmAuthError(`Salesforce refused the request (403${detail})`);
  if (status === 414 || status === 431) return new SalesforceRequestError(`Salesforce refused the request as too long (${status})`, status, '', [], false);
  return new SalesforceRequestError(`Salesforce ${status >= 500 ? 'server error' : 'rejected the request'} (${status}${detail})`, status, code, item.fields ?? [], status >= 500);
}

/**
 * A failure of getAccessToken (the token refresh) as a CRM error. The auth layer's errors are
 * read by shape (crm may not import auth): `code` 'reconnect_required' (invalid_grant) →
 * CrmAuthError; a token request with `status` null (no answer) → CrmUnreachableError, ≥ 500 →
 * retryable CrmError; any other AuthError-like `code` → CrmAuthError.
 */
export function tokenError(error: unknown): CrmError {
  if (error instanceof CrmError) return error;
  const e = (error ?? {}) as { code?: unknown; status?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (e.code === 'reconnect_required') return new CrmAuthError('Salesforce refused the refresh token: reconnect the account', { cause: error });
  if (e.status === null) return new CrmUnreachableError(`Salesforce's login host could not be reached: ${message}`, { cause: error });
  if (typeof e.status === 'number' && e.status >= 500) return new CrmError(`Salesforce's login host failed: ${message}`, { retryable: true, cause: error });
  if (typeof e.code === 'string') return new CrmAuthError(`Salesforce token refresh failed: ${message}`, { cause: error });
  return new CrmError(`Could not get a Salesforce access token: ${message}`, { retryable: true, cause: error });
}

export function unreachableError(error: unknown, req: { method: string; path: string }, timeoutMs: number): CrmUnreachableError {
  const e = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  const outcome = req.method === 'POST' ? '; the outcome of a write is unknown' : '';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new CrmUnreachableError(`Salesforce did not answer within ${timeoutMs} ms${outcome}`, { cause: error });
  }
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.message ?? String(error);
  return new CrmUnreachableError(`Salesforce could not be reached (${code})${outcome}`, { cause: error });
}
