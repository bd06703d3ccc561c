// The HTTP layer of the HubSpot connector: bearer auth, client-side pacing under HubSpot's
// burst limits, timeouts, and the mapping of every failure onto the CRM error types the
// outbox acts on. Reads may be retried here; writes never are (the durable outbox owns that).
// Plain fetch rather than @hubspot/api-client: the official client brings its own retry loop
// (numberOfApiCallRetries) and limiter that would fight the outbox's, wraps errors in its own
// exception types, and we use a dozen endpoints. The daily limit is held here too: once HubSpot
// says the day's quota is spent, every request fails at once with the reset as its retry time
// instead of asking again (hubspot-daily-limit.ts).
// Sources: developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines (limits, 429),
//          developers.hubspot.com/docs/api/crm/understanding-the-crm (error body).
import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { createLogger } from '../../platform/logger.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from '../types.ts';
import { isDailyLimit, nextDailyReset, spentDailyQuota, type AccountClock } from './hubspot-daily-limit.ts';
import type { HubSpotPaths } from './hubspot-paths.ts';
import { parseJson, pathOnly } from './http-body.ts';

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
  /** Where the account details live, read once to learn the time zone when the daily limit hits unannounced. */
  paths: Pick<HubSpotPaths, 'accountDetails'>;
  /** Clock, ms since the epoch; default Date.now. */
  now?: () => number;
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

/** One answer as it came off the wire, before it is judged. */
interface RawAnswer {
  status: number;
  headers: Headers;
  body: unknown;
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
  // DAILY is not a window: HubSpotHttp waits for the reset (nextDailyReset).
};

// The client counts from when it sends, the server from when it receives: a little slack on
// each window keeps a burst that crosses the window edge from arriving one request early.
const WINDOW_SLACK_MS = { tenSecondly: 200, secondly: 50 };

export class HubSpotHttp {
  readonly #options: HubSpotHttpOptions;
  readonly #paced: <T>(send: () => Promise<T>) => Promise<T>;
  readonly #searchPaced: <T>(send: () => Promise<T>) => Promise<T>;
  /** Counters for diagnostics and tests; `dailyLimited` counts requests refused here because the day's quota is spent. */
  readonly stats = { requests: 0, retries: 0, rateLimited: 0, dailyLimited: 0 };
  /** The account's clock (time zone), once known: from verify(), account details, or the daily-limit lookup. */
  #clock: AccountClock | null = null;
  /** While the daily quota is spent: when it resets, ms since the epoch. */
  #dailyResetAt: number | null = null;
  /** The account-details read under way to learn the zone when the daily limit hit unannounced. */
  #zoneLookup: Promise<void> | null = null;

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

  /** Remembers the account's time zone (from the account details) for the daily reset; a standing block moves to that zone's midnight. */
  noteAccountClock(clock: AccountClock): void {
    this.#clock = clock;
    if (this.dailyLimitResetsAt() !== null) this.#dailyResetAt = nextDailyReset(this.#now(), clock);
  }

  /** When the spent daily quota resets (ms since the epoch), or null while requests may be sent. */
  dailyLimitResetsAt(): number | null {
    if (this.#dailyResetAt !== null && this.#now() >= this.#dailyResetAt) this.#dailyResetAt = null;
    return this.#dailyResetAt;
  }

  /**
   * Sends one request and parses the JSON answer (2xx, including 207 Multi-Status).
   * Errors: CrmAuthError (401/403), CrmRateLimitError (429, retryAfterMs from Retry-After in
   * seconds, else the policy's window), CrmError retryable (5xx) or not (other 4xx, with
   * HubSpot's message and correlationId), CrmUnreachableError (DNS, refused, reset, timeout,
   * connection lost before the answer — for a write the outcome is then unknown).
   * The daily limit (429 policyName DAILY, or X-HubSpot-RateLimit-Daily-Remaining: 0) is
   * CrmRateLimitError with policy 'daily' and retryAfterMs reaching the next midnight in the
   * account's time zone; from then until that reset every request fails so without being sent.
   */
  async request<T>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    if (!req.idempotent) return this.#attempt<T>(req);
    return pRetry(() => this.#attempt<T>(req), {
      retries: Math.max(0, this.#options.readAttempts - 1),
      minTimeout: 250,
      maxTimeout: 5_000,
      randomize: true,
      shouldRetry: ({ error }) => this.#worthRetrying(error),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0 || !this.#worthRetrying(error)) return;
        this.stats.retries += 1;
        const wait = error instanceof CrmRateLimitError ? error.retryAfterMs : 0;
        log.warn('hubspot read failed; retrying', { path: pathOnly(req.path), attempt: attemptNumber, error: error.name, retryAfterMs: wait });
        if (wait > 0 && wait <= this.#options.maxRetryWaitMs) await new Promise((resolve) => setTimeout(resolve, wait));
      },
    });
  }

  /** Retryable, and not a wait longer than maxRetryWaitMs (the daily limit never is). */
  #worthRetrying(error: unknown): error is CrmError {
    if (!(error instanceof CrmError) || !error.retryable) return false;
    return !(error instanceof CrmRateLimitError && (error.policy === 'daily' || error.retryAfterMs > this.#options.maxRetryWaitMs));
  }

  async #attempt<T>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    const resetAt = this.dailyLimitResetsAt();
    if (resetAt !== null) {
      this.stats.dailyLimited += 1;
      throw dailyLimitError(resetAt, this.#now(), this.#clock);
    }
    const answer = await this.#send(req);
    const { status, headers, body } = answer;
    if ((status >= 200 && status < 300) || req.acceptStatuses?.includes(status)) {
      // The last request of the day: block the next ones here rather than draw a 429 each.
      if (status < 300 && spentDailyQuota(headers)) await this.#dailyQuotaSpent(req, false);
      return { status, body: body as T };
    }
    const errorBody = (body ?? {}) as HubSpotErrorBody;
    log.warn('hubspot request failed', {
      method: req.method,
      path: pathOnly(req.path),
      status,
      category: errorBody.category ?? errorBody.errorType,
      correlationId: errorBody.correlationId,
    });
    if (status === 429) this.stats.rateLimited += 1;
    if (status === 429 && isDailyLimit(errorBody, headers)) {
      const at = await this.#dailyQuotaSpent(req, true);
      throw dailyLimitError(at, this.#now(), this.#clock, errorBody);
    }
    throw httpError(status, errorBody, headers);
  }

  /** One request on the wire (paced, with the bearer token and the deadline); the answer unjudged. */
  async #send(req: HubSpotRequest): Promise<RawAnswer> {
    const pace = req.search ? this.#searchPaced : this.#paced;
    return pace(async () => {
      this.stats.requests += 1;
      const token = typeof this.#options.accessToken === 'function' ? await this.#options.accessToken() : this.#options.accessToken;
      try {
        const response = await this.#options.fetch(this.#options.baseUrl + req.path, {
          method: req.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: parseJson(text) };
      } catch (error) {
        throw unreachable(error, req, this.#options.timeoutMs);
      }
    });
  }

  /**
   * The day's quota is spent: blocks requests until the reset and returns it. Without a known
   * time zone and when `askZone`, the account details are asked once (HubSpot may refuse that
   * too while the quota is spent; then the next midnight UTC, see nextDailyReset, until
   * noteAccountClock tells the zone).
   */
  async #dailyQuotaSpent(req: HubSpotRequest, askZone: boolean): Promise<number> {
    if (!this.#clock && askZone) {
      // Requests refused together share one lookup.
      this.#zoneLookup ??= this.#send({ method: 'GET', path: this.#options.paths.accountDetails() }).then((answer) => {
        const details = answer.status === 200 ? (answer.body as { timeZone?: unknown; utcOffsetMilliseconds?: unknown } | null) : null;
        if (details && typeof details.timeZone === 'string') {
          this.#clock = { timeZone: details.timeZone, utcOffsetMs: typeof details.utcOffsetMilliseconds === 'number' ? details.utcOffsetMilliseconds : null };
        }
      }, () => undefined).finally(() => {
        this.#zoneLookup = null;
      });
      await this.#zoneLookup;
    }
    const at = nextDailyReset(this.#now(), this.#clock);
    if (this.#dailyResetAt !== at) {
      log.warn('hubspot daily API limit reached; requests wait for the reset', {
        path: pathOnly(req.path), resetAt: new Date(at).toISOString(), timeZone: this.#clock?.timeZone ?? 'UTC (unknown)',
      });
    }
    this.#dailyResetAt = at;
    return at;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** The daily limit as CrmRateLimitError: policy 'daily', retryAfterMs from `now` to `resetAt`. */
function dailyLimitError(resetAt: number, now: number, clock: AccountClock | null, body: HubSpotErrorBody = {}): CrmRateLimitError {
  const ref = body.correlationId ? ` (correlationId ${body.correlationId})` : '';
  const zone = clock?.timeZone ?? 'UTC';
  return new CrmRateLimitError(
    `HubSpot's daily API limit is used up until ${new Date(resetAt).toISOString()} (midnight ${zone})${ref}`,
    Math.max(0, resetAt - now),
    { policy: 'daily' },
  );
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

/**
 * Maps a non-2xx HubSpot answer onto the connector's error types (see HubSpotHttp.request). A
 * DAILY 429 is told apart by HubSpotHttp before this, which knows the account's time zone.
 */
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
