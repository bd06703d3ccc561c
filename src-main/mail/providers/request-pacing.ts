// Shared client-side manners for mail APIs: a cap on requests in flight, an even pace under a
// request budget, and retries that honour Retry-After on 429 and back off on 5xx and
// transport errors. Gmail and Graph adapters can share these pieces (p-limit, p-throttle).
// Sources: RFC 9110 §10.2.3 (Retry-After); https://learn.microsoft.com/graph/throttling;
//          https://developers.google.com/gmail/api/guides/handle-errors
import pThrottle from 'p-throttle';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../../platform/logger.ts';

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  headers?: unknown;
  response?: { status?: unknown; headers?: unknown };
  cause?: { code?: unknown };
}

/** The HTTP status of a gaxios error, a GraphError (statusCode) or a fetch-style error; undefined for transport failures. */
export function statusOf(error: unknown): number | undefined {
  const e = error as HttpishError | null;
  const candidates = [e?.response?.status, e?.statusCode, e?.status, e?.code];
  const status = candidates.find((c) => typeof c === 'number' && c > 0);
  return status as number | undefined;
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null;
}

/** Retry-After (RFC 9110 §10.2.3), as delay-seconds or an HTTP date, in ms; null when absent. */
export function retryAfterMs(error: unknown, now = Date.now()): number | null {
  const e = error as HttpishError | null;
  const value = headerValue(e?.response?.headers, 'retry-after') ?? headerValue(e?.headers, 'retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A transport error's code (ECONNRESET, TimeoutError, …), its own or its cause's; null when it has none. */
function errorCode(error: unknown): string | null {
  const e = error as HttpishError | null;
  const code = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * How long one provider request may take, body included, before it is abandoned and retried
 * like a dropped connection: long enough for a 25 MB message on a slow link, short enough that
 * a server that stopped answering does not hold a sync. Neither Google's nor Microsoft's
 * client sets one of its own.
 */
export const REQUEST_TIMEOUT_MS = 120_000;

// TimeoutError: gaxios' code when a request outlives its `timeout` (AbortSignal.timeout).
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'TimeoutError']);

/** 429, 5xx and transport failures are worth another attempt; anything else (4xx, invalid_grant) is not. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  // A 2xx status on an error: the head arrived and the body did not (the Graph client keeps
  // the status when reading the body fails), so it is judged as the transport failure it is.
  if (status !== undefined && status >= 300) return status === 429 || status >= 500;
  const code = errorCode(error);
  if (code !== null && NETWORK_ERRORS.has(code)) return true;
  // fetch (undici) reports a dropped connection as TypeError('fetch failed') and a body cut
  // off as TypeError('terminated'); the Graph client re-wraps either as a GraphError whose
  // code is the original's name.
  const fetchFailure = error instanceof TypeError || code === 'TypeError';
  return fetchFailure && /fetch failed|terminated/i.test((error as Error).message);
}

/**
 * A provider that kept failing through every attempt (429, 5xx, timeouts, dropped
 * connections). The message says so in words a rep can act on; `status` is the last HTTP
 * status (undefined after a transport failure), so statusOf() still reads it.
 */
export class ProviderUnavailableError extends Error {
  readonly status: number | undefined;
  constructor(service: string, attempts: number, error: unknown) {
    const status = statusOf(error);
    const last = status !== undefined && status >= 300 ? `HTTP ${status}` : transportFailure(error);
    super(`${service} did not answer after ${attempts} attempts (last: ${last}); the next sync continues from here`, { cause: error });
    this.name = 'ProviderUnavailableError';
    this.status = status;
  }
}

function transportFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'TimeoutError' || code === 'ETIMEDOUT') return 'no answer in time';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'EAI_AGAIN') return 'name lookup failed';
  if (error instanceof Error && /terminated/i.test(error.message)) return 'connection dropped mid-answer';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The budget's interval is stretched by this fraction, and by at least BUDGET_MARGIN_MIN_MS:
 * the server counts arrivals, which jitter against the client's clock by milliseconds.
 */
export const BUDGET_MARGIN = 0.01;
export const BUDGET_MARGIN_MIN_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RequestPacingOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Budget: at most `limit` weight units per `intervalMs`; null turns pacing off. */
  budget: { limit: number; intervalMs: number } | null;
  /** Attempts per request before giving up, counting the first (default 6). */
  attempts?: number;
  /** 429 answers one request may receive before it gives up (default 100): Graph asks to keep honouring Retry-After. */
  max429?: number;
  /** Upper bound of one wait for Retry-After, ms (default 60 s). */
  maxRetryAfterMs?: number;
  /** Aborting stops retries and waits. */
  signal?: AbortSignal;
  /** The provider's name in errors, e.g. "Microsoft Graph". */
  service: string;
  log: Logger;
}

export interface PacingStats {
  /** Requests sent, retries included. */
  requests: number;
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Requests that failed for good (after the last attempt, or with a non-retryable error). */
  failed: number;
  /** Weight units spent (Gmail quota units; 1 per request for Graph). */
  units: number;
}

/**
 * Runs requests under a concurrency cap and a paced budget, retrying each as RFC 9110 and
 * the providers ask. The budget (its interval stretched 1 %, at least 50 ms) is split into up to ten slices of its
 * interval so requests flow evenly instead of bursting at each interval's start.
 */
export class RequestPacer {
  readonly stats: PacingStats = { requests: 0, retries: 0, rateLimited: 0, failed: 0, units: 0 };
  readonly #inFlight: LimitFunction;
  readonly #paced: <R>(units: number, run: () => Promise<R>) => Promise<R>;
  readonly #o: RequestPacingOptions;
  #pausedUntil = 0;

  constructor(options: RequestPacingOptions) {
    this.#o = options;
    this.#inFlight = pLimit(options.concurrency);
    const budget = options.budget;
    if (budget) {
      // Stretch the interval a little: the server counts arrivals, which jitter against our clock.
      const intervalMs = budget.intervalMs + Math.max(BUDGET_MARGIN_MIN_MS, budget.intervalMs * BUDGET_MARGIN);
      const slices = Math.max(1, Math.min(10, Math.floor(intervalMs / 100), Math.floor(budget.limit / 10)));
      const throttled = pThrottle({
        limit: Math.floor(budget.limit / slices),
        interval: Math.round(intervalMs / slices),
        strict: true,
        weight: (units: number) => units,
      })((_units: number, run: () => Promise<unknown>) => run());
      this.#paced = (units, run) => throttled(units, run) as Promise<never>;
    } else {
      this.#paced = (_units, run) => run();
    }
  }

  /**
   * One request: under the concurrency cap, then paced. A 429 pauses every request of
   * this pacer until its Retry-After has passed (Graph asks clients to back off as a whole)
   * and is retried up to `max429` times (default 100); 5xx and transport errors are retried up to
   * `attempts` with exponential backoff and jitter. Other errors are thrown as they came, the
   * last attempt's as ProviderUnavailableError; an aborted `signal` stops the waiting with its reason.
   */
  async run<T>(request: () => Promise<T>, options: { units?: number; what?: string } = {}): Promise<T> {
    const units = options.units ?? 1;
    const attempts = this.#o.attempts ?? 6;
    const max429 = this.#o.max429 ?? 100;
    let failures = 0;
    let throttled = 0;
    for (;;) {
      this.#o.signal?.throwIfAborted();
      const pause = this.#pausedUntil - Date.now();
      if (pause > 0) await sleep(pause);
      try {
        // Slot first, then budget: the budget's clock must be the moment the request is sent.
        // (Paced first, requests queued for a slot would leave in a burst the server counts.)
        // A request that waited for its slot or its budget through an abort is never sent;
        // one already sent finishes, so what it fetched can still be stored.
        return await this.#inFlight(() => {
          this.#o.signal?.throwIfAborted();
          return this.#paced(units, () => {
            this.#o.signal?.throwIfAborted();
            this.stats.requests += 1;
            this.stats.units += units;
            return request();
          });
        });
      } catch (error) {
        const status = statusOf(error);
        if (status === 429) throttled += 1;
        else failures += 1;
        if (!isRetryable(error) || this.#o.signal?.aborted) {
          this.stats.failed += 1;
          throw error;
        }
        if (failures >= attempts || throttled > max429) {
          this.stats.failed += 1;
          throw new ProviderUnavailableError(this.#o.service, failures + throttled, error);
        }
        this.stats.retries += 1;
        const retryAfter = retryAfterMs(error);
        let wait: number;
        if (status === 429) {
          this.stats.rateLimited += 1;
          wait = Math.min(retryAfter ?? 1_000 * 2 ** Math.min(throttled - 1, 5), this.#o.maxRetryAfterMs ?? 60_000);
          this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + wait);
        } else {
          const backoff = Math.min(30_000, 250 * 2 ** (failures - 1));
          wait = Math.max(retryAfter ?? 0, backoff * (0.5 + Math.random()));
        }
        this.#o.log.debug('request failed; retrying', { what: options.what, status, attempt: failures + throttled, waitMs: Math.round(wait) });
        await sleep(wait);
      }
    }
  }

  /** Drops requests not yet started (a cancelled sync); requests in flight finish. */
  clear(): void {
    this.#inFlight.clearQueue();
  }
}
