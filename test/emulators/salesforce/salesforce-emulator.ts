// An in-process Salesforce REST API (an org's instance_url) over HTTPS for tests: the
// Salesforce connector talks to it unchanged. Beyond the API it gives a test what an org
// cannot: Enhanced Email on or off, a small daily API allocation to exhaust
// (REQUEST_LIMIT_EXCEEDED, Sforce-Limit-Info on every answer), revoked or expired sessions
// (401 INVALID_SESSION_ID, checked with the identity emulator's verifyAccessToken), injected
// 5xx, and a committed write whose answer is lost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { readBody, sendJson, startHttpsServer, type StartedServer } from '../http-server.ts';
import { TransportFaults } from '../transport-faults.ts';
import { RollingWindow } from '../crm/rate-limit.ts';
import { DEFAULT_TEST_USER } from '../identity/identity-emulator.ts';
import { SALESFORCE_TEST_ORG_ID, salesforceUserId } from '../identity/salesforce-identity.ts';
import { handleSalesforceAdmin } from './admin.ts';
import { handleRest, routeName } from './rest-api.ts';
import {
  invalidSession, jsonParserError, notFound, requestLimitExceeded, SalesforceApiError, serverUnavailable,
} from './salesforce-errors.ts';
import { SalesforceStore, type SfRecord } from './salesforce-store.ts';
import { loadSeedOrg, type SeedOrg } from './seed.ts';

const log = createLogger('emulator.salesforce');

/** The bearer token the emulator accepts when no verifyAccessToken is given. */
export const SALESFORCE_TEST_TOKEN = '00D5g000004MbrgEAC!AQ0AQMailbridgeEmulatorSessionToken.0001';
/** The API version the emulator reports as current (Winter '25). */
export const SALESFORCE_API_VERSION = 'v62.0';
/** Salesforce's combined limit for the request URI and headers, bytes (431 / 414 beyond it). */
export const MAX_URI_AND_HEADER_BYTES = 16_384;
const DAY_MS = 24 * 3600_000;

/** Knobs a test may change at any time (also POST /__admin/settings). */
export interface SalesforceEmulatorSettings {
  /** Enhanced Email: EmailMessage with RelatedToId and EmailMessageRelation for any record; off = Case only. */
  enhancedEmail: boolean;
  /** The org's rolling 24-hour API allocation (Enterprise Edition: 100,000 plus per-licence). */
  dailyApiRequests: number;
  /** Records per query page (Salesforce: up to 2,000). */
  queryPageSize: number;
  /** Fixed delay before every API answer, ms. */
  latencyMs: number;
}

export interface SalesforceEmulatorOptions {
  /**
   * Decides a bearer token, as the org's session check would: null = refused (401
   * INVALID_SESSION_ID). Pass the identity emulator's verifyAccessToken. Default: only the
   * tokens of issueToken() (SALESFORCE_TEST_TOKEN from the start).
   */
  verifyAccessToken?: (token: string) => Promise<{ email: string } | null>;
  /** Records to load at start (seed.ts builds them from a mailbox). */
  org?: SeedOrg;
  settings?: Partial<SalesforceEmulatorSettings>;
  /** The organization's name (verify() shows it). */
  orgName?: string;
  port?: number;
  cert?: string;
  key?: string;
}

export interface SalesforceEmulatorStats {
  /** Requests per route name (e.g. "query", "composite", "sobjects.create.Lead"), all outcomes. */
  requests: Record<string, number>;
  /** SOQL statements run, top level and inside composites. */
  queries: number;
  rateLimited: number;
  unauthorized: number;
  serverErrors: number;
  droppedResponses: number;
  /** API calls counted against the allocation in the current 24-hour window. */
  apiUsage: number;
  connections: number;
}

export class SalesforceEmulator {
  readonly settings: SalesforceEmulatorSettings;
  readonly faults = new TransportFaults();
  readonly store: SalesforceStore;
  readonly #options: SalesforceEmulatorOptions;
  readonly #usage = new RollingWindow(DAY_MS);
  readonly #tokens = new Set<string>([SALESFORCE_TEST_TOKEN]);
  readonly #userId = salesforceUserId(DEFAULT_TEST_USER.sub);
  #server: StartedServer | null = null;
  /** The port the first start bound; a restart listens there again, so a test's "offline" keeps its address. */
  #boundPort = 0;
  #failNext = { count: 0, status: 503 };
  #dropNext = 0;
  #sessionsRevoked = false;
  #stats = SalesforceEmulator.#emptyStats();

  constructor(options: SalesforceEmulatorOptions = {}) {
    this.#options = options;
    this.settings = { enhancedEmail: true, dailyApiRequests: 100_000, queryPageSize: 2000, latencyMs: 0, ...options.settings };
    this.store = new SalesforceStore({ enhancedEmail: () => this.settings.enhancedEmail, userId: () => this.#userId });
    // The identity emulator's org id, so the identity URL and the Organization row agree.
    this.store.insertRaw('Organization', {
      Name: options.orgName ?? 'Enron Energy Services (emulated)', OrganizationType: 'Enterprise Edition', InstanceName: 'EMU1', IsSandbox: false,
    }, SALESFORCE_TEST_ORG_ID);
    if (options.org) loadSeedOrg(this.store, options.org, this.#userId);
  }

  /** Listens; returns the instance URL (no trailing slash), e.g. https://127.0.0.1:40123. */
  async start(): Promise<{ url: string }> {
    this.#server = await startHttpsServer((req, res) => this.#handle(req, res), {
      port: this.#options.port || this.#boundPort,
      // Node refuses request heads over 16 KiB itself (431); the emulator needs to see them
      // to answer as Salesforce does (414 for a long URI, 431 for long headers).
      maxHeaderSize: 4 * MAX_URI_AND_HEADER_BYTES,
      // Salesforce's error body: a list of {message, errorCode}.
      internalError: (message) => [{ message, errorCode: 'UNKNOWN_EXCEPTION' }],
      ...(this.#options.cert && this.#options.key ? { cert: this.#options.cert, key: this.#options.key } : {}),
    });
    this.#boundPort = this.#server.port;
    return { url: this.#server.url };
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    this.#server = null;
  }

  get url(): string {
    if (!this.#server) throw new Error('SalesforceEmulator is not started');
    return this.#server.url;
  }

  /** The API user's id (the rep; OwnerId of what the API creates). */
  get userId(): string {
    return this.#userId;
  }

  /** Records of one sObject type as stored, oldest first (copies). */
  records(type: string): SfRecord[] {
    return this.store.all(type).map((r) => ({ ...r }));
  }

  emailMessages(): SfRecord[] {
    return this.records('EmailMessage');
  }

  emailMessageRelations(emailMessageId?: string): SfRecord[] {
    return this.records('EmailMessageRelation').filter((r) => !emailMessageId || r.EmailMessageId === emailMessageId);
  }

  tasks(): SfRecord[] {
    return this.records('Task');
  }

  leads(): SfRecord[] {
    return this.records('Lead');
  }

  contacts(): SfRecord[] {
    return this.records('Contact');
  }

  /** Inserts a record without API validation (read-only fields allowed); returns its id. */
  add(type: string, fields: SfRecord): string {
    return this.store.insertRaw(type, fields);
  }

  /** A new valid session token (for the default token check). */
  issueToken(): string {
    const token = `${SALESFORCE_TEST_ORG_ID}!AQ0AQ${randomBytes(24).toString('base64url')}`;
    this.#tokens.add(token);
    return token;
  }

  /** The session behind `token` ends (timeout or logout): it answers 401 INVALID_SESSION_ID from now on. */
  expireToken(token: string): void {
    this.#tokens.delete(token);
  }

  /** Every session is refused (an admin revoked the app, or the password changed) until restoreSessions(). */
  revokeSessions(): void {
    this.#sessionsRevoked = true;
  }

  restoreSessions(): void {
    this.#sessionsRevoked = false;
  }

  /**
   * The next `count` API requests answer `status` (503 SERVER_UNAVAILABLE, 500
   * UNKNOWN_EXCEPTION, 401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED).
   */
  failNext(count: number, status = 503): void {
    this.#failNext = { count, status };
  }

  /**
   * The next `count` requests that create records are committed, then the connection is
   * destroyed before any response byte is sent: the client cannot know whether it worked.
   */
  dropResponseAfterCommit(count = 1): void {
    this.#dropNext = count;
  }

  /** Pretends `used` calls were made in the last 24 hours (they age out a day from now). */
  setApiUsage(used: number): void {
    this.#usage.reset();
    const now = Date.now();
    for (let i = 0; i < used; i += 1) this.#usage.take(Number.MAX_SAFE_INTEGER, now);
  }

  apiUsage(): { used: number; max: number } {
    const max = this.settings.dailyApiRequests;
    return { used: max - this.#usage.remaining(max), max };
  }

  stats(): SalesforceEmulatorStats {
    return { ...this.#stats, requests: { ...this.#stats.requests }, apiUsage: this.apiUsage().used, connections: this.#server?.connections() ?? 0 };
  }

  /** Zeroes the counters (not the API allocation: see setApiUsage). */
  resetStats(): void {
    this.#stats = SalesforceEmulator.#emptyStats();
  }

  static #emptyStats(): Omit<SalesforceEmulatorStats, 'apiUsage' | 'connections'> {
    return { requests: {}, queries: 0, rateLimited: 0, unauthorized: 0, serverErrors: 0, droppedResponses: 0 };
  }

  #limitHeader(): Record<string, string> {
    const { used, max } = this.apiUsage();
    return { 'sforce-limit-info': `api-usage=${used}/${max}` };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const headerBytes = req.rawHeaders.reduce((n, h) => n + Buffer.byteLength(h) + 2, 0);
    if (Buffer.byteLength(rawUrl) > MAX_URI_AND_HEADER_BYTES) return void res.writeHead(414, { 'content-type': 'text/plain' }).end('URI Too Long');
    if (Buffer.byteLength(rawUrl) + headerBytes > MAX_URI_AND_HEADER_BYTES) {
      return void res.writeHead(431, { 'content-type': 'text/plain' }).end('Request Header Fields Too Large');
    }
    const url = new URL(rawUrl, 'https://emulator.invalid');
    if (url.pathname.startsWith('/__admin/')) return handleSalesforceAdmin(this, req, res, url);
    if (url.pathname === '/services/data' || url.pathname === '/services/data/') {
      // The Versions resource needs no session and does not count against the allocation.
      return sendJson(res, 200, [{ label: "Winter '25", url: `/services/data/${SALESFORCE_API_VERSION}`, version: SALESFORCE_API_VERSION.slice(1) }]);
    }
    const m = /^\/services\/data\/(v\d+\.\d)\/(.*)$/.exec(url.pathname);
    let segments: string[];
    try {
      segments = (m?.[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      segments = [];
    }
    const method = req.method ?? 'GET';
    const name = m ? routeName({ method, segments }) : 'unknown';
    this.#stats.requests[name] = (this.#stats.requests[name] ?? 0) + 1;
    let limitHeaders: Record<string, string> = {};
    try {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      if (!(await this.faults.stall(req))) return;
      await this.#authenticate(req);
      this.#injectFailure();
      if (this.#usage.take(this.settings.dailyApiRequests) > 0) {
        limitHeaders = this.#limitHeader();
        throw requestLimitExceeded();
      }
      limitHeaders = this.#limitHeader();
      if (!m) throw notFound();
      const body = method === 'POST' ? await this.#readJson(req) : undefined;
      const wrote = { value: false };
      const before = this.#stats.queries;
      const result = await handleRest(
        {
          store: this.store,
          pageSize: () => this.settings.queryPageSize,
          apiUsage: () => ({ max: this.settings.dailyApiRequests, remaining: this.settings.dailyApiRequests - this.apiUsage().used }),
          wrote,
          onQuery: () => (this.#stats.queries += 1),
        },
        { method, version: m[1]!, segments, query: url.searchParams, body },
      );
      if (wrote.value && this.#dropNext > 0) {
        this.#dropNext -= 1;
        this.#stats.droppedResponses += 1;
        log.info('response dropped after commit', { route: name, queries: this.#stats.queries - before });
        req.socket.destroy();
        return;
      }
      const text = JSON.stringify(result.body);
      if (this.faults.takeTruncation()) {
        res.writeHead(result.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), ...limitHeaders });
        res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
        return;
      }
      sendJson(res, result.status, text, { ...limitHeaders, ...result.headers });
    } catch (error) {
      const apiError = error instanceof SalesforceApiError ? error
        : (error as { status?: number }).status === 413 ? jsonParserError('Request body too large') : serverUnavailable(500);
      if (!(error instanceof SalesforceApiError)) log.error('handler failed', { route: name, error });
      if (apiError.errorCode === 'REQUEST_LIMIT_EXCEEDED') this.#stats.rateLimited += 1;
      if (apiError.status === 401) this.#stats.unauthorized += 1;
      if (apiError.status >= 500) this.#stats.serverErrors += 1;
      sendJson(res, apiError.status, apiError.items, { ...limitHeaders, ...apiError.headers });
    }
  }

  async #readJson(req: IncomingMessage): Promise<unknown> {
    const bytes = await readBody(req, 50 * 1024 * 1024);
    if (!bytes.length) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw jsonParserError('Unexpected character: was expecting a JSON value at [line:1, column:1]');
    }
  }

  /** Authorization: Bearer <token> (or Salesforce's older "OAuth <token>"). */
  async #authenticate(req: IncomingMessage): Promise<void> {
    const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || this.#sessionsRevoked) throw invalidSession();
    const verify = this.#options.verifyAccessToken;
    const ok = verify ? (await verify(token)) !== null : this.#tokens.has(token);
    if (!ok) throw invalidSession();
  }

  #injectFailure(): void {
    if (this.#failNext.count <= 0) return;
    this.#failNext.count -= 1;
    const status = this.#failNext.status;
    if (status === 401) throw invalidSession();
    if (status === 403) throw requestLimitExceeded();
    throw serverUnavailable(status);
  }
}
