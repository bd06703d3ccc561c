// Pipedrive's error answers as the emulator sends them. Sources, in the unmodified mirror of
// Pipedrive's OpenAPI at github.com/juhokoskela/pipedrive-go:
//   openapi/upstream/v1.yaml GET /users/me 401: {success: false, error: "unauthorized access", errorCode: 401}
//   openapi/upstream/v1.yaml and v2.yaml 400/403/404/500 (e.g. CallLogBadRequestResponse,
//     GetConvertResponse): {success: false, error, error_info, data: null, additional_data: null}
// and pipedrive.readme.io/docs/core-api-concepts-rate-limiting for the 429 body
// {success: false, error: "Request over limit"}. Pipedrive publishes no body for an exhausted
// daily token budget; the emulator answers it with the same 429 body.

/** Thrown by emulator routes; the server turns it into the HTTP answer. */
export class PipedriveApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.error ?? status));
    this.name = 'PipedriveApiError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

function envelope(status: number, error: string): PipedriveApiError {
  return new PipedriveApiError(status, { success: false, error, error_info: ERROR_INFO, data: null, additional_data: null });
}

/** 401 for a missing, unknown or revoked (regenerated) API token: Pipedrive tells them apart no further. */
export function unauthorized(): PipedriveApiError {
  return new PipedriveApiError(401, { success: false, error: 'unauthorized access', errorCode: 401 });
}

export function badRequest(error: string): PipedriveApiError {
  return envelope(400, error);
}

export function forbidden(): PipedriveApiError {
  return envelope(403, "You don't have permission to access the resource.");
}

export function notFound(error = 'A resource required for this operation was not found.'): PipedriveApiError {
  return envelope(404, error);
}

export function serverError(status = 500): PipedriveApiError {
  return envelope(status, status === 500 ? 'An internal server error occurred' : 'Service temporarily unavailable');
}

/** 429 with the burst headers of the answer (and Retry-After in whole seconds when `retryAfterMs` is given). */
export function rateLimited(headers: Record<string, string>, retryAfterMs: number | null): PipedriveApiError {
  return new PipedriveApiError(429, { success: false, error: 'Request over limit' }, {
    ...headers,
    ...(retryAfterMs === null ? {} : { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }),
  });
}
