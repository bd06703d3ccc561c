// Microsoft Graph error bodies, shaped as Graph sends them, so @microsoft/microsoft-graph-client
// builds its GraphError (statusCode, code, message, requestId, date, headers) exactly as in production.
// Source: https://learn.microsoft.com/en-us/graph/errors (ODataError: {error: {code, message, innerError}})
import { randomUUID } from 'node:crypto';

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

/** An error the request pipeline turns into Graph's JSON body with `status` as HTTP status. */
export class GraphApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** `clientRequestId` echoes the request's client-request-id header when it sent one. */
  body(requestId: string, clientRequestId = requestId): GraphErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), 'request-id': requestId, 'client-request-id': clientRequestId },
      },
    };
  }
}

export const newRequestId = (): string => randomUUID();

export const badRequest = (message: string, code = 'BadRequest'): GraphApiError => new GraphApiError(400, code, message);

/** Unknown route: Graph's OData layer answers 400 for a segment it cannot resolve. */
export const unknownSegment = (segment: string): GraphApiError =>
  badRequest(`Resource not found for the segment '${segment}'.`);

export const itemNotFound = (): GraphApiError =>
  new GraphApiError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const malformedId = (): GraphApiError => badRequest('Id is malformed.', 'ErrorInvalidIdMalformed');

export const unauthenticated = (message = 'Access token is empty.'): GraphApiError =>
  new GraphApiError(401, 'InvalidAuthenticationToken', message, {
    'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });

/** A delta or skip token this server did not issue, or one that was altered. */
export const invalidSyncState = (): GraphApiError =>
  badRequest('The sync state data is invalid or corrupt.', 'ErrorInvalidSyncStateData');

/** An expired delta/skip token: the client must restart with a full sync (410 Gone). */
export const syncStateNotFound = (): GraphApiError => new GraphApiError(410, 'syncStateNotFound',
  'The sync state generation is not found. The delta token is expired and data must be synchronized again.');

/**
 * Outlook throttling: `limit` names the exceeded limit ("MailboxConcurrency" for the 4
 * concurrent requests, "MailboxRequests" for 10,000 requests per 10 minutes).
 * Source: https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits
 */
export const throttled = (limit: string, retryAfterSeconds: number): GraphApiError =>
  new GraphApiError(429, 'ApplicationThrottled', `Application is over its ${limit} limit.`, {
    'retry-after': String(retryAfterSeconds),
  });

const SERVER_CODES: Record<number, [string, string]> = {
  500: ['InternalServerError', 'An internal server error occurred.'],
  502: ['BadGateway', 'The server received an invalid response from an upstream server.'],
  503: ['ServiceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The server did not receive a timely response from an upstream server.'],
};

/** An injected failure with `status`: 429 becomes ApplicationThrottled with Retry-After. */
export const injected = (status: number, retryAfterSeconds = 1): GraphApiError => {
  if (status === 429) return throttled('MailboxRequests', retryAfterSeconds);
  const [code, message] = SERVER_CODES[status] ?? ['generalException', `Injected failure (${status}).`];
  return new GraphApiError(status, code, message, status === 503 ? { 'retry-after': String(retryAfterSeconds) } : {});
};
