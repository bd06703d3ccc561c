// The HTTP layer of the HubSpot connector: bearer auth, client-side pacing under HubSpot's
// burst limits, timeouts, and the mapping of every failure onto the CRM error types the
// outbox acts on. Reads may be retried here; writes never are (the durable outbox owns that).
// Plain fetch rather than @hubspot/api-client: the official client brings its own retry loop
// (numberOfApiCallRetries) and limiter that would fight the outbox's, wraps errors in its own
// exception types, and we use five endpoints.
// Sources: developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines (limits, 429),
//          developers.hubspot.com/docs/api/crm/understanding-the-crm (error body).
import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { createLogger } from '../../platform/logger.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from '../types.ts';

const log = createLogger('crm.hubspot');

export interface HubSpotHttpOptions {
  /** A private-app token or OAuth access token, or a function that returns the current one. */
  accessToken: string | (() => string | Promise<string>);
  /** API root without trailing slash, e.g. https://api.hubapi.com. */
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  /** Requests per rolling 10 s the client allows itself. */
  requestsPer10Seconds: number;
  /** Search requests per rolling second the client allows itself. */
  searchRequestsPerSecond: number;
  /** Per-request deadline, ms. */
  timeoutMs: number;
  /** Attempts per read (search, list, batch read), counting the first. */
  readAttempts: number;
  /** Longest wait honoured between read attempts, ms (a DAILY 429 is not waited out). */
  maxRetryWaitMs: number;
}

export interface HubSpotRequest {
  method: 'GET' | 'POST';
  /** Path with leading slash, query included, e.g. /crm/v3/owners/123. */
  path: string;
  body?: unknown;
  /** Paced by the search limit as well. */
  search?: boolean;
  /** A read that is safe to repeat: retried on 429, 5xx and network failures. */
  idempotent?: boolean;
  /** Non-2xx statuses the caller handles itself: answered like a success instead of thrown. */
  acceptStatuses?: readonly number[];
}

export interface HubSpotResponse<T> {
  status: number;
  body: T;
}

/** HubSpot's error body (CRM `Error` and the 429 RATE_LIMIT body). */
interface HubSpotErrorBody {
  message?: string;
  category?: string;
  errorType?: string;
  policyName?: string;
  correlationId?: string;
}

/** Wait when a 429 carries no Retry-After: one window of the policy that was hit, ms. */
const POLICY_WINDOW_MS: Record<string, number> = {
  TEN_SECONDLY_ROLLING: 10_000,
  SECONDLY: 1_000,
  // The daily limit resets at midnight in the account's time zone; an hour is a polite guess.
  DAILY: 3_600_000,
};

// The client counts from when it sends, the server from when it receives: a little slack on
// each window keeps a burst that crosses the window edge from arriving one request early.
const WINDOW_SLACK_MS = { tenSecondly: 200, secondly: 50 };

export class HubSpotHttp {
  readonly #options: HubSpotHttpOptions;
  readonly #paced: <T>(send: () => Promise<T>) => Promise<T>;
  readonly #searchPaced: <T>(send: () => Promise<T>) => Promise<T>;
  /** Counters for diagnostics and tests. */
  readonly stats = { requests: 0, retries: 0, rateLimited: 0 };

  constructor(options: HubSpotHttpOptions) {
    this.#options = options;
    const general = pThrottle({ limit: options.requestsPer10Seconds, interval: 10_000 + WINDOW_SLACK_MS.tenSecondly, strict: true })(
      (send: () => Promise<unknown>) => send(),
    );
    const search = pThrottle({ limit: options.searchRequestsPerSecond, interval: 1_000 + WINDOW_SLACK_MS.secondly, strict: true })(
      (send: () => Promise<unknown>) => send(),
    );
    this.#paced = (send) => general(send) as Promise<never>;
    this.#searchPaced = (send) => search(() => general(send)) as Promise<never>;
  }

  /**
   * Sends one request and parses the JSON answer (2xx, including 207 Multi-Status).
   * Errors: CrmAuthError (401/403), CrmRateLimitError (429, retryAfterMs from Retry-After in
   * seconds, else the policy's window), CrmError retryable (5xx) or not (other 4xx, with
   * HubSpot's message and correlationId), CrmUnreachableError (DNS, refused, reset, timeout,
   * connection lost before the answer — for a write the outcome is then unknown).
   */
  async request<T>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    if (!req.idempotent) return this.#attempt<T>(req);
    return pRetry(() => this.#attempt<T>(req), {
      retries: Math.max(0, this.#options.readAttempts - 1),
      minTimeout: 250,
      maxTimeout: 5_000,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof CrmError && error.retryable
        && !(error instanceof CrmRateLimitError && error.retryAfterMs > this.#options.maxRetryWaitMs),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0 || !(error instanceof CrmError) || !error.retryable) return;
        this.stats.retries += 1;
        const wait = error instanceof CrmRateLimitError ? error.retryAfterMs : 0;
        log.warn('hubspot read failed; retrying', { path: pathOnly(req.path), attempt: attemptNumber, error: error.name, retryAfterMs: wait });
        if (wait > 0 && wait <= this.#options.maxRetryWaitMs) await new Promise((resolve) => setTimeout(resolve, wait));
      },
    });
  }

  async #attempt<T>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    const pace = req.search ? this.#searchPaced : this.#paced;
    return pace(async () => {
      this.stats.requests += 1;
      const token = typeof this.#options.accessToken === 'function' ? await this.#options.accessToken() : this.#options.accessToken;
      let response: Response;
      let text: string;
      try {
        response = await this.#options.fetch(this.#options.baseUrl + req.path, {
          method: req.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw unreachable(error, req, this.#options.timeoutMs);
      }
      const body = parseJson(text);
      if ((response.status >= 200 && response.status < 300) || req.acceptStatuses?.includes(response.status)) {
        return { status: response.status, body: body as T };
      }
      const mapped = httpError(response.status, (body ?? {}) as HubSpotErrorBody, response.headers);
      if (mapped instanceof CrmRateLimitError) this.stats.rateLimited += 1;
      log.warn('hubspot request failed', {
        method: req.method,
        path: pathOnly(req.path),
        status: response.status,
        category: (body as HubSpotErrorBody | null)?.category ?? (body as HubSpotErrorBody | null)?.errorType,
        correlationId: (body as HubSpotErrorBody | null)?.correlationId,
      });
      throw mapped;
    });
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The path without its query (which may carry property names, never secrets, but stays short). */
function pathOnly(path: string): string {
  return path.split('?')[0]!;
}

/** Retry-After (RFC 9110 §10.2.3) as delay-seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Maps a non-2xx HubSpot answer onto the connector's error types (see HubSpotHttp.request). */
export function httpError(status: number, body: HubSpotErrorBody, headers: Headers): CrmError {
  const detail = body.message ? `: ${body.message}` : '';
  const ref = body.correlationId ? ` (correlationId ${body.correlationId})` : '';
  if (status === 401 || status === 403) return new CrmAuthError(`HubSpot refused the credentials (${status})${detail}${ref}`);
  if (status === 429) {
    const wait = retryAfterMs(headers) ?? POLICY_WINDOW_MS[body.policyName ?? ''] ?? POLICY_WINDOW_MS.TEN_SECONDLY_ROLLING!;
    return new CrmRateLimitError(`HubSpot rate limit ${body.policyName ?? 'reached'}${detail}${ref}`, wait);
  }
  if (status >= 500) return new CrmError(`HubSpot server error ${status}${detail}${ref}`, { retryable: true });
  return new CrmError(`HubSpot rejected the request (${status}${body.category ? ` ${body.category}` : ''})${detail}${ref}`, { retryable: false });
}

function unreachable(error: unknown, req: HubSpotRequest, timeoutMs: number): CrmUnreachableError {
  const e = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  const outcome = req.method === 'POST' && !req.idempotent ? '; the outcome of the write is unknown' : '';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new CrmUnreachableError(`HubSpot did not answer within ${timeoutMs} ms${outcome}`, { cause: error });
  }
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.message ?? String(error);
  return new CrmUnreachableError(`HubSpot could not be reached (${code})${outcome}`, { cause: error });
}
