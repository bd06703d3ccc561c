// Google API error bodies, shaped as Google's JSON APIs send them, so client libraries
// (gaxios GaxiosError, googleapis) read code, reason and status exactly as in production.
// Source: https://cloud.google.com/apis/design/errors#http_mapping

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string; location?: string; locationType?: string }[];
    status: string;
  };
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  409: 'ABORTED', 413: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL',
  501: 'UNIMPLEMENTED', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

/** An error the request pipeline turns into Google's JSON body with `code` as HTTP status. */
export class GoogleApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly domain: string;
  readonly headers: Record<string, string>;
  readonly extra: { location?: string; locationType?: string };
  readonly itemMessage: string;

  constructor(code: number, message: string, reason: string, opts: {
    domain?: string; headers?: Record<string, string>; location?: string; locationType?: string; itemMessage?: string;
  } = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.domain = opts.domain ?? 'global';
    this.headers = opts.headers ?? {};
    this.itemMessage = opts.itemMessage ?? message;
    this.extra = { ...(opts.location ? { location: opts.location } : {}), ...(opts.locationType ? { locationType: opts.locationType } : {}) };
  }

  body(): GoogleErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.itemMessage, domain: this.domain, reason: this.reason, ...this.extra }],
        status: STATUS[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

export const notFound = (): GoogleApiError => new GoogleApiError(404, 'Requested entity was not found.', 'notFound');
export const badRequest = (message: string): GoogleApiError => new GoogleApiError(400, message, 'invalidArgument');

export const unauthenticated = (): GoogleApiError => new GoogleApiError(401,
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  'authError',
  { location: 'Authorization', locationType: 'header', itemMessage: 'Invalid Credentials', headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } });

export const rateLimited = (retryAfterSeconds: number): GoogleApiError => new GoogleApiError(429,
  `User-rate limit exceeded.  Retry after ${new Date(Date.now() + retryAfterSeconds * 1000).toISOString()}`,
  'rateLimitExceeded',
  { domain: 'usageLimits', headers: { 'retry-after': String(retryAfterSeconds) } });

export const serverError = (code: number): GoogleApiError => code === 503
  ? new GoogleApiError(503, 'The service is currently unavailable.', 'backendError')
  : new GoogleApiError(code, code === 500 ? 'Internal error encountered.' : 'Backend error.', 'backendError');
