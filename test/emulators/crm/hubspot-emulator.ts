// An in-process HubSpot CRM v3 server over HTTPS for tests, benchmarks and the demo: the
// HubSpot connector talks to it unchanged. Beyond the API it offers what a test needs and
// HubSpot cannot give: burst limits on demand, injected 5xx/401, a revoked token, and a
// lost response after a committed write (the "did my email get logged?" case).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { readBody, sendJson, startHttpsServer, type StartedServer } from '../http-server.ts';
import { handleAdmin } from './admin.ts';
import { route } from './api.ts';
import {
  forbidden, HubSpotApiError, invalidAuthentication, notFound, rateLimited, revokedAuthentication, serverError, validationError,
} from './hubspot-errors.ts';
import { HubSpotStore, type EmulatedEmail, type HubSpotOwner, type SeedContact } from './hubspot-store.ts';
import { RollingWindow } from './rate-limit.ts';

const log = createLogger('emulator.hubspot');

/** The private-app token the emulator accepts unless told otherwise. */
export const HUBSPOT_TEST_TOKEN = 'pat-na1-00000000-0000-4000-8000-mailbridge0001';

/** Knobs a test may change at any time (also POST /__admin/settings). */
export interface HubSpotEmulatorSettings {
  /** Enforce the ten-secondly and search limits (429 RATE_LIMIT). */
  rateLimit: boolean;
  /** Requests per rolling 10 s (HubSpot private apps: 100 on Free/Starter, 190 on Pro/Enterprise). */
  requestsPer10Seconds: number;
  /** Search requests per rolling second (crm/search: 5). */
  searchPerSecond: number;
  /** Send Retry-After (whole seconds) with a 429. HubSpot does not promise it; turn off to test the fallback. */
  retryAfterHeader: boolean;
  /** Fixed delay before every API answer, ms. */
  latencyMs: number;
}

export interface HubSpotEmulatorOptions {
  /** The one valid bearer token; others answer 401. Default HUBSPOT_TEST_TOKEN. */
  accessToken?: string;
  contacts?: SeedContact[];
  settings?: Partial<HubSpotEmulatorSettings>;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** TLS certificate and key; default the run's test CA loopback certificate. */
  cert?: string;
  key?: string;
}

export interface HubSpotEmulatorStats {
  /** Requests received per route name (e.g. "emails.create", "contacts.search"), all outcomes. */
  requests: Record<string, number>;
  rateLimited: number;
  serverErrors: number;
  unauthorized: number;
  /** Responses dropped after the write was committed (dropResponseAfterCommit). */
  droppedResponses: number;
  /** TLS connections accepted since start. */
  connections: number;
}

export class HubSpotEmulator {
  readonly store = new HubSpotStore();
  readonly settings: HubSpotEmulatorSettings;
  readonly #options: HubSpotEmulatorOptions;
  readonly #tenSecondly = new RollingWindow(10_000);
  readonly #searchSecondly = new RollingWindow(1_000);
  #server: StartedServer | null = null;
  #failNext = { count: 0, status: 503 };
  #dropNext = 0;
  #revoked = false;
  #stats: Omit<HubSpotEmulatorStats, 'connections'> = HubSpotEmulator.#emptyStats();

  constructor(options: HubSpotEmulatorOptions = {}) {
    this.#options = options;
    this.settings = {
      rateLimit: true,
      requestsPer10Seconds: 100,
      searchPerSecond: 5,
      retryAfterHeader: true,
      latencyMs: 0,
      ...options.settings,
    };
    for (const contact of options.contacts ?? []) this.addContact(contact);
  }

  /** Listens; returns the API root (no trailing slash), e.g. https://127.0.0.1:40123. */
  async start(): Promise<{ url: string }> {
    this.#server = await startHttpsServer((req, res) => this.#handle(req, res), {
      port: this.#options.port ?? 0,
      ...(this.#options.cert && this.#options.key ? { cert: this.#options.cert, key: this.#options.key } : {}),
    });
    return { url: this.#server.url };
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    this.#server = null;
  }

  get url(): string {
    if (!this.#server) throw new Error('HubSpotEmulator is not started');
    return this.#server.url;
  }

  get accessToken(): string {
    return this.#options.accessToken ?? HUBSPOT_TEST_TOKEN;
  }

  /** Creates a contact as POST /crm/v3/objects/contacts would; returns its id. Throws on a duplicate email. */
  addContact(contact: SeedContact): string {
    const properties: Record<string, string> = { email: contact.email };
    if (contact.firstname) properties.firstname = contact.firstname;
    if (contact.lastname) properties.lastname = contact.lastname;
    if (contact.company) properties.company = contact.company;
    if (contact.hubspot_owner_id) properties.hubspot_owner_id = contact.hubspot_owner_id;
    return this.store.addContact(properties).id;
  }

  addOwner(owner: HubSpotOwner): void {
    this.store.owners.set(owner.id, { ...owner });
  }

  /** Contacts as stored (id + string properties). */
  contacts(): Array<{ id: string; properties: Record<string, string> }> {
    return [...this.store.contacts.values()].map((c) => ({ id: c.id, properties: { ...c.properties } }));
  }

  /** Email engagements created so far, oldest first, with their associated contact ids. */
  emails(): EmulatedEmail[] {
    return [...this.store.emails.values()].map((e) => ({
      id: e.id,
      properties: { ...e.properties },
      contactIds: [...(this.store.emailContacts.get(e.id) ?? [])],
      createdAt: e.createdAt,
    }));
  }

  /**
   * The next `count` API requests answer `status` (default 503) with HubSpot's body for it:
   * 429 RATE_LIMIT (Retry-After: 1 unless retryAfterHeader is off), 401 INVALID_AUTHENTICATION,
   * 403 MISSING_SCOPES, 5xx; other statuses a generic error body.
   */
  failNext(count: number, status = 503): void {
    this.#failNext = { count, status };
  }

  /** Every later request answers 401 (EXPIRED_AUTHENTICATION) until restoreToken(). */
  revokeToken(): void {
    this.#revoked = true;
  }

  restoreToken(): void {
    this.#revoked = false;
  }

  /**
   * The next `count` writes (contact or email creation) are committed, then the connection is
   * destroyed before any response byte is sent: the client cannot know whether it worked.
   */
  dropResponseAfterCommit(count = 1): void {
    this.#dropNext = count;
  }

  stats(): HubSpotEmulatorStats {
    return {
      requests: { ...this.#stats.requests },
      rateLimited: this.#stats.rateLimited,
      serverErrors: this.#stats.serverErrors,
      unauthorized: this.#stats.unauthorized,
      droppedResponses: this.#stats.droppedResponses,
      connections: this.#server?.connections() ?? 0,
    };
  }

  /** Zeroes the counters and empties the rate-limit windows. */
  resetStats(): void {
    this.#stats = HubSpotEmulator.#emptyStats();
    this.#tenSecondly.reset();
    this.#searchSecondly.reset();
  }

  static #emptyStats(): Omit<HubSpotEmulatorStats, 'connections'> {
    return { requests: {}, rateLimited: 0, serverErrors: 0, unauthorized: 0, droppedResponses: 0 };
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
    const found = route({
      method: req.method ?? 'GET',
      segments,
      query: url.searchParams,
      body: async () => {
        const bytes = await readBody(req, 10 * 1024 * 1024);
        if (!bytes.length) return undefined;
        try {
          return JSON.parse(bytes.toString('utf8')) as unknown;
        } catch {
          throw validationError('Invalid input JSON on line 1: the request body is not JSON');
        }
      },
    });
    const name = found?.name ?? 'unknown';
    this.#stats.requests[name] = (this.#stats.requests[name] ?? 0) + 1;
    let rateHeaders: Record<string, string> = {};
    try {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      this.#authenticate(req);
      this.#injectFailure();
      rateHeaders = this.#admit(found?.search ?? false);
      if (!found) throw notFound(`Unable to route ${req.method} ${url.pathname}`);
      const result = await found.run(this.store);
      if (found.write && result.status < 300 && this.#dropNext > 0) {
        this.#dropNext -= 1;
        this.#stats.droppedResponses += 1;
        log.info('response dropped after commit', { route: name });
        req.socket.destroy();
        return;
      }
      sendJson(res, result.status, result.body, rateHeaders);
    } catch (error) {
      const apiError = error instanceof HubSpotApiError ? error
        : (error as { status?: number }).status === 413 ? validationError('Request body too large') : serverError(500);
      if (!(error instanceof HubSpotApiError)) log.error('handler failed', { route: name, error });
      if (apiError.status === 429) this.#stats.rateLimited += 1;
      if (apiError.status === 401) this.#stats.unauthorized += 1;
      if (apiError.status >= 500) this.#stats.serverErrors += 1;
      sendJson(res, apiError.status, apiError.body, { ...rateHeaders, ...apiError.headers });
    }
  }

  #authenticate(req: IncomingMessage): void {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || token !== this.accessToken) throw invalidAuthentication();
    if (this.#revoked) throw revokedAuthentication();
  }

  #injectFailure(): void {
    if (this.#failNext.count <= 0) return;
    this.#failNext.count -= 1;
    const status = this.#failNext.status;
    if (status === 429) throw rateLimited('TEN_SECONDLY_ROLLING', this.settings.retryAfterHeader ? 1_000 : null);
    if (status === 401) throw invalidAuthentication();
    if (status === 403) throw forbidden();
    if (status >= 500) throw serverError(status);
    throw new HubSpotApiError(status, { status: 'error', message: `injected ${status}`, correlationId: 'injected', category: 'VALIDATION_ERROR' });
  }

  /**
   * Applies the burst limits; returns the X-HubSpot-RateLimit-* headers for the answer
   * (search endpoints send none, as HubSpot's do not). Throws a 429 when over a limit.
   */
  #admit(search: boolean): Record<string, string> {
    if (!this.settings.rateLimit) return {};
    const now = Date.now();
    const limit = this.settings.requestsPer10Seconds;
    if (search) {
      const wait = this.#searchSecondly.take(this.settings.searchPerSecond, now);
      if (wait > 0) throw rateLimited('SECONDLY', this.settings.retryAfterHeader ? wait : null);
    }
    const wait = this.#tenSecondly.take(limit, now);
    const headers: Record<string, string> = search ? {} : {
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': String(limit),
      'x-hubspot-ratelimit-remaining': String(this.#tenSecondly.remaining(limit, now)),
    };
    if (wait > 0) throw rateLimited('TEN_SECONDLY_ROLLING', this.settings.retryAfterHeader ? wait : null, headers);
    return headers;
  }
}
