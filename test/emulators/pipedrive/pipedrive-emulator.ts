// An in-process Pipedrive API (v1 notes and users, v2 persons, organizations, deals) over HTTPS
// for tests and the demo: the Pipedrive connector talks to it unchanged. Beyond the API it
// offers what a test needs and Pipedrive cannot give: burst limits and a daily token budget on
// demand, injected 5xx/401/429, a revoked token, and a note committed whose answer is lost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { readBody, sendJson, sendTruncated, startHttpsServer, type StartedServer } from '../http-server.ts';
import { TransportFaults } from '../transport-faults.ts';
import { handleAdmin } from './admin.ts';
import { route, type ApiRoute } from './api.ts';
import { badRequest, forbidden, notFound, PipedriveApiError, rateLimited, serverError, unauthorized } from './pipedrive-errors.ts';
import { PipedriveStore, v1Time, type StoredNote } from './pipedrive-store.ts';
import { BurstWindow, DailyBudget } from './rate-limit.ts';
import type { SeedPerson } from './seed.ts';

const log = createLogger('emulator.pipedrive');

/** The personal API token the emulator accepts unless told otherwise (40 hex digits, like Pipedrive's). */
export const PIPEDRIVE_TEST_TOKEN = '5ca1ab1e0000000000000000000000000000b71d';

/** Knobs a test may change at any time (also POST /__admin/settings). */
export interface PipedriveEmulatorSettings {
  /** Enforce the burst limits and the daily budget (429 "Request over limit"). */
  rateLimit: boolean;
  /** Requests per rolling 2 s per token (api_token: 20 Essential, 40 Advanced, 80 Professional, 100 Power, 120 Enterprise). */
  requestsPer2Seconds: number;
  /** Search API requests per rolling 2 s (10 on every plan). */
  searchPer2Seconds: number;
  /** Tokens per UTC day (30,000 base × plan multiplier × seats; default one seat on the lowest plan). */
  dailyTokenBudget: number;
  /** POST/PUT requests per UTC day reported in x-daily-requests-left (the fair-usage 10,000). */
  dailyWriteLimit: number;
  /** Send Retry-After with a 429. The current rate-limiting page documents only x-ratelimit-reset. */
  retryAfterHeader: boolean;
  /** Fixed delay before every API answer, ms. */
  latencyMs: number;
}

export interface PipedriveEmulatorOptions {
  /** The one valid API token; others answer 401. Default PIPEDRIVE_TEST_TOKEN. */
  apiToken?: string;
  persons?: readonly SeedPerson[];
  settings?: Partial<PipedriveEmulatorSettings>;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** TLS certificate and key; default the run's test CA loopback certificate. */
  cert?: string;
  key?: string;
}

export interface PipedriveEmulatorStats {
  /** Requests received per route name (e.g. "notes.create", "persons.search"), all outcomes. */
  requests: Record<string, number>;
  /** 429s sent, burst and budget alike. */
  rateLimited: number;
  /** Of those, for an exhausted daily token budget. */
  budgetExceeded: number;
  serverErrors: number;
  unauthorized: number;
  /** Requests that carried the token in the URL (api_token=…) instead of the x-api-token header. */
  tokenInQuery: number;
  /** Tokens taken from today's budget. */
  tokensSpent: number;
  /** Answers dropped after their write was committed. */
  droppedResponses: number;
  /** TLS connections accepted since start. */
  connections: number;
}

/** A note as a test inspects it. */
export interface EmulatedNote {
  id: number;
  content: string;
  personId: number | null;
  orgId: number | null;
  dealId: number | null;
  /** "YYYY-MM-DD HH:MM:SS", UTC. */
  addTime: string;
}

export class PipedriveEmulator {
  readonly store = new PipedriveStore();
  readonly settings: PipedriveEmulatorSettings;
  readonly faults = new TransportFaults();
  readonly #options: PipedriveEmulatorOptions;
  readonly #general = new BurstWindow();
  readonly #search = new BurstWindow();
  readonly #budget = new DailyBudget();
  #server: StartedServer | null = null;
  /** The port the first start bound; a restart listens there again, so a test's "offline" keeps its address. */
  #boundPort = 0;
  #failNext = { count: 0, status: 503 };
  #revoked = false;
  #stats: Omit<PipedriveEmulatorStats, 'connections' | 'tokensSpent' | 'droppedResponses'> = PipedriveEmulator.#emptyStats();
  #droppedBase = 0;

  constructor(options: PipedriveEmulatorOptions = {}) {
    this.#options = options;
    this.settings = {
      rateLimit: true,
      requestsPer2Seconds: 20,
      searchPer2Seconds: 10,
      dailyTokenBudget: 30_000,
      dailyWriteLimit: 10_000,
      retryAfterHeader: false,
      latencyMs: 0,
      ...options.settings,
    };
    for (const person of options.persons ?? []) this.addPerson(person);
  }

  /** Listens; returns the API root (no trailing slash, no /api/v1), e.g. https://127.0.0.1:40123. */
  async start(): Promise<{ url: string }> {
    this.#server = await startHttpsServer((req, res) => this.#handle(req, res), {
      port: this.#options.port || this.#boundPort,
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
    if (!this.#server) throw new Error('PipedriveEmulator is not started');
    return this.#server.url;
  }

  get apiToken(): string {
    return this.#options.apiToken ?? PIPEDRIVE_TEST_TOKEN;
  }

  /**
   * Adds a person as the API would: its organization found by name or created (with the
   * seed's website), and its open deal with the person as contact person. Returns the person id.
   */
  addPerson(seed: SeedPerson): number {
    const org = seed.company ? this.store.organizationByName(seed.company)
      ?? this.store.addOrganization({ name: seed.company, website: seed.website ?? null, ...(seed.ownerId ? { ownerId: seed.ownerId } : {}) }) : null;
    const person = this.store.addPerson({
      name: seed.name,
      ...(seed.ownerId ? { ownerId: seed.ownerId } : {}),
      orgId: org?.id ?? null,
      emails: [{ value: seed.email, primary: true, label: 'work' }],
      phones: seed.phone ? [{ value: seed.phone, primary: true, label: 'work' }] : [],
      labelIds: seed.labelId ? [seed.labelId] : [],
      jobTitle: seed.jobTitle ?? null,
    });
    if (seed.openDeal) {
      this.store.addDeal({
        title: seed.openDeal.title,
        ownerId: person.ownerId,
        personId: person.id,
        orgId: org?.id ?? null,
        stageId: seed.openDeal.stageId,
        value: seed.openDeal.value,
        currency: seed.openDeal.currency,
        status: 'open',
        expectedCloseDate: seed.openDeal.expectedCloseDate,
      });
    }
    return person.id;
  }

  /** Notes created so far, oldest first. */
  notes(): EmulatedNote[] {
    return [...this.store.notes.values()].map((n: StoredNote) => ({
      id: n.id, content: n.content, personId: n.personId, orgId: n.orgId, dealId: n.dealId, addTime: v1Time(n.addTime),
    }));
  }

  /**
   * The next `count` API requests answer `status` (default 503) with Pipedrive's body for it:
   * 429 "Request over limit" with the burst headers at zero, 401 unauthorized access, 402, 403,
   * 5xx; other statuses the error envelope.
   */
  failNext(count: number, status = 503): void {
    this.#failNext = { count, status };
  }

  /** Every later request answers 401 (the token was regenerated in Pipedrive) until restoreToken(). */
  revokeToken(): void {
    this.#revoked = true;
  }

  restoreToken(): void {
    this.#revoked = false;
  }

  /** The next `count` writes (note, person, organization) are committed, then the connection is destroyed before any answer byte. */
  dropResponseAfterCommit(count = 1): void {
    this.faults.commitThenDropNext(count);
  }

  stats(): PipedriveEmulatorStats {
    return {
      ...this.#stats,
      requests: { ...this.#stats.requests },
      tokensSpent: this.#budget.spent(),
      droppedResponses: this.faults.droppedSendAnswers - this.#droppedBase,
      connections: this.#server?.connections() ?? 0,
    };
  }

  /** Zeroes the counters, empties the burst windows and gives back today's budget. */
  resetStats(): void {
    this.#stats = PipedriveEmulator.#emptyStats();
    this.#droppedBase = this.faults.droppedSendAnswers;
    this.#general.reset();
    this.#search.reset();
    this.#budget.reset();
  }

  static #emptyStats(): Omit<PipedriveEmulatorStats, 'connections' | 'tokensSpent' | 'droppedResponses'> {
    return { requests: {}, rateLimited: 0, budgetExceeded: 0, serverErrors: 0, unauthorized: 0, tokenInQuery: 0 };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(this, req, res, url);
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      segments = [];
    }
    const found = route({ method: req.method ?? 'GET', segments, query: url.searchParams, body: () => readJson(req) });
    const name = found?.name ?? 'unknown';
    this.#stats.requests[name] = (this.#stats.requests[name] ?? 0) + 1;
    let headers: Record<string, string> = {};
    try {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      if (!(await this.faults.stall(req))) return;
      this.#authenticate(req, url);
      this.#injectFailure();
      if (!found) throw notFound(`Unknown method ${req.method} ${url.pathname}`);
      headers = this.#admit(found, req.method === 'POST' || req.method === 'PUT');
      const result = await found.run(this.store);
      if (found.write && result.status < 300 && this.faults.takeCommitThenDrop()) {
        log.info('response dropped after commit', { route: name });
        req.socket.destroy();
        return;
      }
      if (result.status < 300 && this.faults.takeTruncation()) return sendTruncated(res, result.status, JSON.stringify(result.body), headers);
      sendJson(res, result.status, result.body, headers);
    } catch (error) {
      const apiError = error instanceof PipedriveApiError ? error
        : (error as { status?: number }).status === 413 ? badRequest('Request body too large') : serverError(500);
      if (!(error instanceof PipedriveApiError)) log.error('handler failed', { route: name, error });
      if (apiError.status === 429) this.#stats.rateLimited += 1;
      if (apiError.status === 401) this.#stats.unauthorized += 1;
      if (apiError.status >= 500) this.#stats.serverErrors += 1;
      sendJson(res, apiError.status, apiError.body, { ...headers, ...apiError.headers });
    }
  }

  /** The api_key scheme is the x-api-token header; Pipedrive also takes ?api_token=, which is counted. */
  #authenticate(req: IncomingMessage, url: URL): void {
    const header = req.headers['x-api-token'];
    const query = url.searchParams.get('api_token');
    if (query !== null) this.#stats.tokenInQuery += 1;
    const token = (typeof header === 'string' ? header : null) ?? query;
    if (!token || token !== this.apiToken || this.#revoked) throw unauthorized();
  }

  #injectFailure(): void {
    if (this.#failNext.count <= 0) return;
    this.#failNext.count -= 1;
    const status = this.#failNext.status;
    if (status === 429) {
      const limit = this.settings.requestsPer2Seconds;
      const headers = { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' };
      throw rateLimited(headers, this.settings.retryAfterHeader ? 1_000 : null);
    }
    if (status === 401) throw unauthorized();
    if (status === 402) throw new PipedriveApiError(402, { success: false, error: 'Company account is not open', error_info: 'Please check the billing of the company account.', data: null, additional_data: null });
    if (status === 403) throw forbidden();
    if (status >= 500) throw serverError(status);
    throw new PipedriveApiError(status, { success: false, error: `injected ${status}`, error_info: 'injected', data: null, additional_data: null });
  }

  /**
   * The burst windows (the route's own window in the headers: the Search API's for a search),
   * then the daily budget; takes the slots and the tokens when admitted. Returns the
   * x-ratelimit-* headers (plus x-daily-requests-left on POST/PUT); throws a 429 otherwise.
   */
  #admit(found: ApiRoute, postOrPut: boolean): Record<string, string> {
    if (!this.settings.rateLimit) return {};
    const now = Date.now();
    const general = { window: this.#general, limit: this.settings.requestsPer2Seconds };
    const windows = found.search ? [{ window: this.#search, limit: this.settings.searchPer2Seconds }, general] : [general];
    const own = windows[0]!;
    for (const { window, limit } of windows) {
      if (window.remaining(limit, now) > 0) continue;
      const headers = { ...window.headers(limit, now), 'x-ratelimit-remaining': '0' };
      throw rateLimited(headers, this.settings.retryAfterHeader ? window.resetMs(now) : null);
    }
    if (!this.#budget.fits(found.cost, this.settings.dailyTokenBudget, now)) {
      this.#stats.budgetExceeded += 1;
      const midnight = new Date(now);
      midnight.setUTCHours(24, 0, 0, 0);
      throw rateLimited(own.window.headers(own.limit, now), this.settings.retryAfterHeader ? midnight.getTime() - now : null);
    }
    for (const { window } of windows) window.take(now);
    this.#budget.charge(found.cost, postOrPut, now);
    return {
      ...own.window.headers(own.limit, now),
      ...(postOrPut ? { 'x-daily-requests-left': String(Math.max(0, this.settings.dailyWriteLimit - this.#budget.writes(now))) } : {}),
    };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBody(req, 10 * 1024 * 1024);
  if (!bytes.length) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw badRequest('Only application/json bodies are emulated');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw badRequest('Invalid JSON in the request body');
  }
}
