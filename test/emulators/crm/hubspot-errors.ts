// HubSpot's error responses as the emulator sends them: the CRM v3 `Error` body
// ({status, message, correlationId, category, errors?, context?}) and the 429 body of the
// usage guidelines ({status, message, errorType: 'RATE_LIMIT', correlationId, policyName}).
// Sources: developers.hubspot.com/docs/api/crm/understanding-the-crm (error shape),
//          developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines (429).
import { randomUUID } from 'node:crypto';

export interface HubSpotErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
}

/** Thrown by emulator routes; the server turns it into the HTTP answer. */
export class HubSpotApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.message ?? status));
    this.name = 'HubSpotApiError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function errorBody(message: string, category: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

/** 401 for a missing or unknown token (private-app tokens and OAuth tokens alike). */
export function invalidAuthentication(): HubSpotApiError {
  return new HubSpotApiError(401, errorBody(
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    'INVALID_AUTHENTICATION',
  ));
}

/** 401 for a token the account has revoked (private app token rotated or app uninstalled). */
export function revokedAuthentication(): HubSpotApiError {
  return new HubSpotApiError(401, errorBody('The access token provided has been revoked.', 'EXPIRED_AUTHENTICATION'));
}

export function forbidden(): HubSpotApiError {
  return new HubSpotApiError(403, errorBody(
    'This app hasn\'t been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.',
    'MISSING_SCOPES',
  ));
}

export function notFound(message = 'resource not found'): HubSpotApiError {
  return new HubSpotApiError(404, errorBody(message, 'OBJECT_NOT_FOUND'));
}

export function validationError(message: string, errors: HubSpotErrorDetail[] = []): HubSpotApiError {
  return new HubSpotApiError(400, errorBody(message, 'VALIDATION_ERROR', errors.length ? { errors } : {}));
}

export function conflict(message: string): HubSpotApiError {
  return new HubSpotApiError(409, errorBody(message, 'CONFLICT'));
}

export function serverError(status = 500): HubSpotApiError {
  return new HubSpotApiError(status, errorBody(
    status === 502 || status === 503 || status === 504 ? 'The service is temporarily unavailable.' : 'internal error',
    status === 500 ? 'INTERNAL_ERROR' : 'SERVICE_UNAVAILABLE',
  ));
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

const RATE_LIMIT_MESSAGES: Record<RateLimitPolicy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

/**
 * 429 as HubSpot sends it. `retryAfterMs` null leaves Retry-After out (HubSpot itself does
 * not always send it, and never promises one for DAILY); otherwise it is rounded up to whole seconds.
 */
export function rateLimited(policy: RateLimitPolicy, retryAfterMs: number | null, headers: Record<string, string> = {}): HubSpotApiError {
  const message = RATE_LIMIT_MESSAGES[policy];
  return new HubSpotApiError(429, {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
  }, {
    ...headers,
    ...(retryAfterMs === null ? {} : { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }),
  });
}
