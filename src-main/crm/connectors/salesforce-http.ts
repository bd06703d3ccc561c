// The HTTP layer of the Salesforce connector: bearer auth with one refresh-and-retry after a
// 401, timeouts, the org's API allocation read from Sforce-Limit-Info, Query with its pages,
// Composite; salesforce-errors.ts maps every failure onto the CRM error types the outbox acts on.
// Reads may be retried here; writes never are (the durable outbox owns that), except after a
// 401, which Salesforce answers before doing anything.
// Sources (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/…): errorcodes.htm
// (401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED), headers_api_usage.htm (Sforce-Limit-Info),
// resources_query.htm (nextRecordsUrl), resources_composite_composite_post.htm (25 subrequests,
// at most 5 queries or collections, one API call); help.salesforce.com article 000386264 (URI and
// headers up to 16,384 bytes; URIs kept under 2,000 characters).
import pRetry from 'p-retry';
import { createLogger } from '../../platform/logger.ts';
import { CrmError, CrmRateLimitError } from '../types.ts';
import { parseJson, pathOnly } from './http-body.ts';
import { firstError, salesforceError, SalesforceRequestError, tokenError, unreachableError } from './salesforce-errors.ts';

const log = createLogger('crm.salesforce');

/** Subrequests per Composite call, and how many of them may be queries or sObject Collections. */
export const COMPOSITE_MAX_SUBREQUESTS = 25;
export const COMPOSITE_MAX_QUERIES = 5;
/** Longest /query?q= URL sent as a GET; longer statements travel in a Composite body. */
export const MAX_GET_URL_CHARS = 2_000;

export interface SalesforceHttpOptions {
  /** https://<org>.my.salesforce.com, no trailing slash. */
  instanceUrl: string;
  /** e.g. v62.0 */
  apiVersion: string;
  getAccessToken(): Promise<string>;
  /** The org refused `rejectedToken` (401): refresh it; the request is then sent once more. */
  onUnauthorized?(rejectedToken: string): void;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** Attempts per read, counting the first. */
  readAttempts: number;
  /** retryAfterMs of a REQUEST_LIMIT_EXCEEDED. */
  requestLimitRetryMs: number;
}

export interface QueryResult<T> {
  totalSize: number;
  done: boolean;
  records: T[];
  nextRecordsUrl?: string;
}

export interface CompositeSubrequest {
  method: 'GET' | 'POST';
  /** Relative to /services/data/vXX.X, e.g. /sobjects/EmailMessage; @{ref.id} references allowed. */
  path: string;
  referenceId: string;
  body?: unknown;
}

export interface CompositeSubresponse {
  referenceId: string;
  httpStatusCode: number;
  body: unknown;
}

/** The org's API allocation as the last answer reported it. */
export interface ApiUsage {
  used: number;
  max: number;
  /** When it was read, ms since the epoch. */
  at: number;
}

/** Sforce-Limit-Info: api-usage=18/5000[; per-app-api-usage=…] → {used, max}; null when absent. */
export function readLimitInfo(value: string | null): { used: number; max: number } | null {
  const m = value ? /api-usage=(\d+)\/(\d+)/.exec(value) : null;
  return m ? { used: Number(m[1]), max: Number(m[2]) } : null;
}

export class SalesforceHttp {
  readonly #o: SalesforceHttpOptions;
  #usage: ApiUsage | null = null;
  /** Counters for diagnostics and tests. */
  readonly stats = { requests: 0, retries: 0, refreshes: 0, rateLimited: 0 };

  constructor(options: SalesforceHttpOptions) {
    this.#o = options;
  }

  get apiUsage(): ApiUsage | null {
    return this.#usage;
  }

  get apiBase(): string {
    return `/services/data/${this.#o.apiVersion}`;
  }

  /**
   * Sends one request to `path` (relative to /services/data/vXX.X, or absolute from
   * /services/) and parses the JSON answer. `idempotent` reads are retried on 5xx and
   * network failures. Errors: see salesforceError; CrmUnreachableError when no answer came
   * (for a write the outcome is then unknown); CrmAuthError when the token cannot be refreshed.
   */
  async request<T>(req: { method: 'GET' | 'POST'; path: string; body?: unknown; idempotent?: boolean }): Promise<T> {
    if (!req.idempotent) return this.#attempt<T>(req);
    return pRetry(() => this.#attempt<T>(req), {
      retries: Math.max(0, this.#o.readAttempts - 1),
      minTimeout: 250,
      maxTimeout: 5_000,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof CrmError && error.retryable && !(error instanceof CrmRateLimitError),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0 || !(error instanceof CrmError) || !error.retryable || error instanceof CrmRateLimitError) return;
        this.stats.retries += 1;
        log.warn('salesforce read failed; retrying', { path: pathOnly(req.path), attempt: attemptNumber, error: error.name });
      },
    });
  }

  /** Runs SOQL and follows nextRecordsUrl to the end. Statements whose URL would pass MAX_GET_URL_CHARS go through Composite. */
  async query<T>(soql: string): Promise<T[]> {
    const path = `/query?q=${encodeURIComponent(soql)}`;
    if (this.#o.instanceUrl.length + this.apiBase.length + path.length > MAX_GET_URL_CHARS) {
      const [result] = await this.queries<T>([soql]);
      return result!;
    }
    const first = await this.request<QueryResult<T>>({ method: 'GET', path, idempotent: true });
    return this.#rest(first);
  }

  /**
   * Runs several SOQL statements in Composite calls (COMPOSITE_MAX_QUERIES per call, each
   * call one API request), following nextRecordsUrl pages with GETs. Resolves in input order.
   * A statement the org refuses throws its SalesforceRequestError unless `tolerate` lists its errorCode (then []).
   */
  async queries<T>(statements: readonly string[], tolerate: readonly string[] = []): Promise<T[][]> {
    const out: T[][] = [];
    for (let i = 0; i < statements.length; i += COMPOSITE_MAX_QUERIES) {
      const batch = statements.slice(i, i + COMPOSITE_MAX_QUERIES);
      const answers = await this.composite(
        batch.map((soql, j) => ({ method: 'GET', path: `/query?q=${encodeURIComponent(soql)}`, referenceId: `q${i + j}` })),
        { allOrNone: false, idempotent: true },
      );
      for (const answer of answers) {
        if (answer.httpStatusCode >= 400) {
          const error = salesforceError(answer.httpStatusCode, answer.body, this.#o.requestLimitRetryMs);
          if (error instanceof SalesforceRequestError && tolerate.includes(error.errorCode)) {
            out.push([]);
            continue;
          }
          throw error;
        }
        out.push(await this.#rest(answer.body as QueryResult<T>));
      }
    }
    return out;
  }

  /**
   * POST /composite {allOrNone, compositeRequest}: up to COMPOSITE_MAX_SUBREQUESTS in one API
   * call. Resolves to the subresponses in order; their failures are for the caller to map
   * (salesforceError). With allOrNone one failure rolls back the rest.
   */
  async composite(subrequests: readonly CompositeSubrequest[], options: { allOrNone: boolean; idempotent?: boolean }): Promise<CompositeSubresponse[]> {
    if (subrequests.length > COMPOSITE_MAX_SUBREQUESTS) throw new CrmError(`a Composite call takes at most ${COMPOSITE_MAX_SUBREQUESTS} subrequests`, { retryable: false });
    const body = await this.request<{ compositeResponse?: CompositeSubresponse[] }>({
      method: 'POST',
      path: '/composite',
      body: {
        allOrNone: options.allOrNone,
        compositeRequest: subrequests.map((s) => ({
          method: s.method,
          url: s.path.startsWith('/services/') ? s.path : `${this.apiBase}${s.path}`,
          referenceId: s.referenceId,
          ...(s.body === undefined ? {} : { body: s.body }),
        })),
      },
      ...(options.idempotent ? { idempotent: true } : {}),
    });
    const answers = body?.compositeResponse;
    if (!Array.isArray(answers) || answers.length !== subrequests.length) {
      throw new CrmError('Salesforce answered the Composite request without a result per subrequest', { retryable: true });
    }
    return answers;
  }

  async #rest<T>(first: QueryResult<T>): Promise<T[]> {
    const records = [...(first.records ?? [])];
    let next = first.done ? undefined : first.nextRecordsUrl;
    while (next) {
      const page = await this.request<QueryResult<T>>({ method: 'GET', path: next, idempotent: true });
      records.push(...(page.records ?? []));
      next = page.done ? undefined : page.nextRecordsUrl;
    }
    return records;
  }

  async #token(): Promise<string> {
    try {
      return await this.#o.getAccessToken();
    } catch (error) {
      throw tokenError(error);
    }
  }

  async #attempt<T>(req: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<T> {
    const first = await this.#send(req, await this.#token());
    if (first.status !== 401 || !this.#o.onUnauthorized) return this.#settle<T>(req, first);
    // 401: the session ended (timeout, revoked, password change). Refresh and try once more;
    // Salesforce refused before doing anything, so even a write is safe to repeat.
    this.stats.refreshes += 1;
    this.#o.onUnauthorized(first.token);
    log.info('salesforce session refused; refreshing the access token', { path: pathOnly(req.path) });
    return this.#settle<T>(req, await this.#send(req, await this.#token()));
  }

  async #send(req: { method: 'GET' | 'POST'; path: string; body?: unknown }, token: string): Promise<{ status: number; body: unknown; token: string }> {
    this.stats.requests += 1;
    const url = this.#o.instanceUrl + (req.path.startsWith('/services/') ? req.path : this.apiBase + req.path);
    let response: Response;
    let text: string;
    try {
      response = await this.#o.fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw unreachableError(error, req, this.#o.timeoutMs);
    }
    const usage = readLimitInfo(response.headers.get('sforce-limit-info'));
    if (usage) this.#usage = { ...usage, at: Date.now() };
    return { status: response.status, body: parseJson(text), token };
  }

  #settle<T>(req: { method: string; path: string }, answer: { status: number; body: unknown }): T {
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    const error = salesforceError(answer.status, answer.body, this.#o.requestLimitRetryMs);
    if (error instanceof CrmRateLimitError) this.stats.rateLimited += 1;
    log.warn('salesforce request failed', {
      method: req.method,
      path: pathOnly(req.path),
      status: answer.status,
      errorCode: error instanceof SalesforceRequestError ? error.errorCode : firstError(answer.body).errorCode,
      ...(this.#usage ? { apiUsage: `${this.#usage.used}/${this.#usage.max}` } : {}),
    });
    throw error;
  }
}
