// The HTTP layer of the Pipedrive connector: the personal API token in the x-api-token header
// (never in a URL, so it stays out of proxies' and our own logs), client-side pacing under
// Pipedrive's per-2-second burst limits, timeouts, and the mapping of every failure onto the
// CRM error types the outbox acts on. Reads may be retried here; writes never are.
// Sources: pipedrive.readme.io/docs/core-api-concepts-rate-limiting (token budget, burst limits,
//          x-ratelimit-* headers, 429); openapi/upstream/v1.yaml in github.com/juhokoskela/pipedrive-go
//          (an unmodified mirror of Pipedrive's OpenAPI: `api_key` scheme = x-api-token header,
//          the 401 body of GET /users/me, the {success, error, error_info} error envelope).
import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { createLogger } from '../../platform/logger.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from '../types.ts';
import { parseJson, pathOnly } from './http-body.ts';

const log = createLogger('crm.pipedrive');

export interface PipedriveHttpOptions {
  /** The personal API token. Sent only as the x-api-token header; never logged. */
  apiToken: string;
  /** API root without trailing slash and without /api/v1, e.g. https://api.pipedrive.com. */
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  /** Requests per rolling 2 s the client allows itself. */
  requestsPer2Seconds: number;
  /** Search requests (persons/search, organizations/search) per rolling 2 s. */
  searchRequestsPer2Seconds: number;
  /** Per-request deadline, ms. */
  timeoutMs: number;
  /** Attempts per read, counting the first. */
  readAttempts: number;
  /** Longest wait honoured between read attempts, ms (an exhausted daily budget is not waited out). */
  maxRetryWaitMs: number;
}

export interface PipedriveRequest {
  method: 'GET' | 'POST';
  /** Path with leading slash, query included, e.g. /api/v2/persons/12. */
  path: string;
  body?: unknown;
  /** Paced by the Search API limit as well. */
  search?: boolean;
  /** A read that is safe to repeat: retried on 429, 5xx and network failures. */
  idempotent?: boolean;
}

/** Pipedrive's envelope: `{success, data, additional_data}`, or `{success: false, error, error_info}`. */
export interface PipedriveEnvelope<T> {
  success?: boolean;
  data?: T | null;
  additional_data?: Record<string, unknown> | null;
  error?: string;
  error_info?: string;
  errorCode?: number;
}

const BURST_WINDOW_MS = 2_000;
// The client counts from when it sends, the server from when it receives: a little slack keeps
// a burst that crosses the window edge from arriving one request early.
const WINDOW_SLACK_MS = 50;
/**
 * The token budget "resets at the start of the next day" (the rate-limiting page does not say
 * in which time zone; x-daily-requests-left is "calculated in UTC"). The wait is until the next
 * UTC midnight, but at most an hour: a wrong guess then costs one cheap attempt an hour.
 */
const DAILY_WAIT_CAP_MS = 3_600_000;

export class PipedriveHttp {
  readonly #options: PipedriveHttpOptions;
  readonly #paced: <T>(send: () => Promise<T>) => Promise<T>;
  readonly #searchPaced: <T>(send: () => Promise<T>) => Promise<T>;
  /** Counters for diagnostics and tests. */
  readonly stats = { requests: 0, retries: 0, rateLimited: 0 };

  constructor(options: PipedriveHttpOptions) {
    this.#options = options;
    const interval = BURST_WINDOW_MS + WINDOW_SLACK_MS;
    const general = pThrottle({ limit: options.requestsPer2Seconds, interval, strict: true })((send: () => Promise<unknown>) => send());
    const search = pThrottle({ limit: options.searchRequestsPer2Seconds, interval, strict: true })((send: () => Promise<unknown>) => send());
    this.#paced = (send) => general(send) as Promise<never>;
    this.#searchPaced = (send) => search(() => general(send)) as Promise<never>;
  }

  /**
   * Sends one request and resolves to the parsed envelope of a 2xx answer with `success` not false.
   * Errors: CrmAuthError (401, 402 company account not open, 403), CrmRateLimitError (429; see
   * rateLimitWaitMs), CrmError retryable (5xx) or not (other 4xx, or a 2xx with success false,
   * with Pipedrive's `error`), CrmUnreachableError (DNS, refused, reset, timeout, connection lost
   * before the answer — for a write the outcome is then unknown).
   */
  async request<T>(req: PipedriveRequest): Promise<PipedriveEnvelope<T>> {
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
        log.warn('pipedrive read failed; retrying', { path: pathOnly(req.path), attempt: attemptNumber, error: error.name, retryAfterMs: wait });
        if (wait > 0 && wait <= this.#options.maxRetryWaitMs) await new Promise((resolve) => setTimeout(resolve, wait));
      },
    });
  }

  async #attempt<T>(req: PipedriveRequest): Promise<PipedriveEnvelope<T>> {
    const pace = req.search ? this.#searchPaced : this.#paced;
    return pace(async () => {
      this.stats.requests += 1;
      let response: Response;
      let text: string;
      try {
        response = await this.#options.fetch(this.#options.baseUrl + req.path, {
          method: req.method,
          headers: {
            'x-api-token': this.#options.apiToken,
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
      const body = (parseJson(text) ?? {}) as PipedriveEnvelope<T>;
      if (response.status >= 200 && response.status < 300 && body.success !== false) return body;
      const mapped = httpError(response.status, body, response.headers, Boolean(req.search));
      if (mapped instanceof CrmRateLimitError) this.stats.rateLimited += 1;
      log.warn('pipedrive request failed', { method: req.method, path: pathOnly(req.path), status: response.status, error: body.error });
      throw mapped;
    });
  }
}



function headerNumber(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * How long to wait after a 429, ms, and which limit was hit. Retry-After (seconds) wins when
 * sent. Otherwise the burst headers decide: x-ratelimit-remaining 0 (or absent) is the 2-second
 * window, waited out for x-ratelimit-reset seconds (2 s when absent); a 429 while the burst
 * window still has room — outside the Search API, whose own lower limit the headers may not
 * show — is read as the exhausted daily token budget (until the next UTC midnight, capped at
 * an hour; see DAILY_WAIT_CAP_MS).
 */
export function rateLimitWait(headers: Headers, search: boolean, now = Date.now()): { waitMs: number; limit: 'burst' | 'daily' } {
  const retryAfter = headerNumber(headers, 'retry-after');
  if (retryAfter !== null) return { waitMs: Math.max(0, retryAfter * 1000), limit: 'burst' };
  const remaining = headerNumber(headers, 'x-ratelimit-remaining');
  if (remaining !== null && remaining > 0 && !search) {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return { waitMs: Math.min(DAILY_WAIT_CAP_MS, midnight.getTime() - now), limit: 'daily' };
  }
  const reset = headerNumber(headers, 'x-ratelimit-reset');
  return { waitMs: reset !== null && reset > 0 ? reset * 1000 : BURST_WINDOW_MS, limit: 'burst' };
}

/** Maps a failed Pipedrive answer onto the connector's error types (see PipedriveHttp.request). */
export function httpError(status: number, body: PipedriveEnvelope<unknown>, headers: Headers, search = false): CrmError {
  const detail = body.error ? `: ${body.error}` : '';
  if (status === 401 || status === 403) return new CrmAuthError(`Pipedrive refused the API token (${status})${detail}`);
  // 402 "company account not open": billing lapsed; nothing works until the account is paid.
  if (status === 402) return new CrmAuthError(`Pipedrive refused the request: the company account is not open (402)${detail}`);
  if (status === 429) {
    const { waitMs, limit } = rateLimitWait(headers, search);
    const which = limit === 'daily' ? 'the daily token budget is spent' : 'burst limit reached';
    return new CrmRateLimitError(`Pipedrive rate limit: ${which}${detail}`, waitMs, { policy: limit });
  }
  if (status >= 500) return new CrmError(`Pipedrive server error ${status}${detail}`, { retryable: true });
  if (status >= 200 && status < 300) return new CrmError(`Pipedrive answered success: false${detail}`, { retryable: false });
  return new CrmError(`Pipedrive rejected the request (${status})${detail}`, { retryable: false });
}

function unreachable(error: unknown, req: PipedriveRequest, timeoutMs: number): CrmUnreachableError {
  const e = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  const outcome = req.method === 'POST' && !req.idempotent ? '; the outcome of the write is unknown' : '';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new CrmUnreachableError(`Pipedrive did not answer within ${timeoutMs} ms${outcome}`, { cause: error });
  }
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.message ?? String(error);
  return new CrmUnreachableError(`Pipedrive could not be reached (${code})${outcome}`, { cause: error });
}
