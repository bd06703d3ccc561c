// An in-process HubSpot CRM v3 server over HTTPS for tests, benchmarks and the demo: the
// HubSpot connector talks to it unchanged. Contacts, companies, deals and email engagements
// with their associations; burst and daily limits. Beyond the API it offers what a test needs
// and HubSpot cannot give: limits on demand, injected 5xx/401, a revoked token, a spent daily
// quota, and a lost response after a committed write (the "did my email get logged?" case).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { readBody, sendJson, startHttpsServer, type StartedServer } from '../http-server.ts';
import { handleAdmin } from './admin.ts';
import { route } from './api.ts';
import {
  forbidden, HubSpotApiError, invalidAuthentication, notFound, rateLimited, revokedAuthentication, serverError, validationError,
} from './hubspot-errors.ts';
import {
  HubSpotStore, type CrmRecord, type EmulatedEmail, type HubSpotOwner, type SeedCompany, type SeedContact, type SeedDeal,
} from './hubspot-store.ts';
import { DailyBudget, RollingWindow } from './rate-limit.ts';

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
  /**
   * Requests per day (private apps: 250,000 Free/Starter, 500,000 Professional/Enterprise); 0 =
   * none, as for OAuth apps, and no X-HubSpot-RateLimit-Daily headers. Enforced whatever `rateLimit` says.
   */
  dailyLimit: number;
  /** The account's time zone (account details `timeZone`): its midnight starts a new day's quota. */
  timeZone: string;
  /**
   * Scopes the private app was not granted (e.g. 'crm.objects.companies.write'): endpoints that
   * need one answer 403 MISSING_SCOPES. Default none missing.
   */
  missingScopes: string[];
}

export interface HubSpotEmulatorOptions {
  /** The one valid bearer token; others answer 401. Default HUBSPOT_TEST_TOKEN. */
  accessToken?: string;
  /** Seeded with their primary company: the company whose domain is the address's (when there is one). */
  contacts?: SeedContact[];
  /** Added before the contacts. */
  companies?: SeedCompany[];
  /** Added after the contacts, associated with the contacts their `contactEmails` name. */
  deals?: SeedDeal[];
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
  /** Of `rateLimited`: 429s for the spent daily quota. */
  dailyLimited: number;
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
  readonly #daily = new DailyBudget();
  #server: StartedServer | null = null;
  /** The port the first start bound; a restart listens there again, so a test's "offline" keeps its address. */
  #boundPort = 0;
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
      dailyLimit: 500_000,
      timeZone: 'US/Eastern',
      missingScopes: [],
      ...options.settings,
    };
    const companyByDomain = new Map<string, string>();
    for (const company of options.companies ?? []) {
      const id = this.addCompany(company);
      if (!companyByDomain.has(company.domain.toLowerCase())) companyByDomain.set(company.domain.toLowerCase(), id);
    }
    for (const contact of options.contacts ?? []) {
      const id = this.addContact(contact);
      // As HubSpot's "create and associate companies with contacts" setting does on import.
      const companyId = companyByDomain.get(contact.email.split('@')[1]?.toLowerCase() ?? '');
      if (companyId) this.store.associateContactWithCompany(id, companyId, true);
    }
    for (const deal of options.deals ?? []) this.addDeal(deal);
  }

  /** Listens; returns the API root (no trailing slash), e.g. https://127.0.0.1:40123. */
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
    if (contact.jobtitle) properties.jobtitle = contact.jobtitle;
    if (contact.phone) properties.phone = contact.phone;
    if (contact.lifecyclestage) properties.lifecyclestage = contact.lifecyclestage;
    return this.store.addContact(properties).id;
  }

  /** Sets contact properties (jobtitle, phone, lifecyclestage, notes_last_contacted, …; '' clears one). */
  updateContact(id: string, properties: Record<string, string>): void {
    this.store.updateContact(id, properties);
  }

  /** Creates a company; returns its id. Contacts are associated separately (associateContactWithCompany). */
  addCompany(company: SeedCompany): string {
    return this.store.addCompany({ name: company.name, domain: company.domain }).id;
  }

  /** Creates a deal associated with the contacts of `contactEmails` (unknown addresses are ignored); returns its id. */
  addDeal(deal: SeedDeal): string {
    const { contactEmails, ...rest } = deal;
    const properties = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const id = this.store.addDeal(properties).id;
    for (const email of contactEmails) {
      const contact = this.store.contactByEmail(email);
      if (contact) this.store.associateContactWithDeal(contact.id, id);
    }
    return id;
  }

  /** Associates a contact with a company, as its primary company when `primary` (which sets associatedcompanyid). */
  associateContactWithCompany(contactId: string, companyId: string, primary = true): void {
    if (!this.store.contacts.has(contactId) || !this.store.companies.has(companyId)) throw new Error(`no contact ${contactId} or company ${companyId}`);
    this.store.associateContactWithCompany(contactId, companyId, primary);
  }

  addOwner(owner: HubSpotOwner): void {
    this.store.owners.set(owner.id, { ...owner });
  }

  /** Contacts as stored (id + string properties). */
  contacts(): Array<{ id: string; properties: Record<string, string> }> {
    return [...this.store.contacts.values()].map(plain);
  }

  /** Companies as stored (id + string properties: name, domain, …). */
  companies(): Array<{ id: string; properties: Record<string, string> }> {
    return [...this.store.companies.values()].map(plain);
  }

  /** Deals as stored (id + string properties: dealname, dealstage, hs_is_closed, …). */
  deals(): Array<{ id: string; properties: Record<string, string> }> {
    return [...this.store.deals.values()].map(plain);
  }

  /** Email engagements created so far, oldest first, with their associated contact ids. */
  emails(): EmulatedEmail[] {
    return [...this.store.emails.values()].map((e) => ({
      id: e.id,
      properties: { ...e.properties },
      contactIds: this.store.associations('emails', e.id, 'contacts').map((a) => a.id),
      createdAt: e.createdAt,
    }));
  }

  /** The records an email engagement is associated with (types 198, 186, 210), in request order; null for an unknown email. */
  emailAssociations(emailId: string): { contacts: string[]; companies: string[]; deals: string[] } | null {
    if (!this.store.emails.has(emailId)) return null;
    const ids = (type: 'contacts' | 'companies' | 'deals') => this.store.associations('emails', emailId, type).map((a) => a.id);
    return { contacts: ids('contacts'), companies: ids('companies'), deals: ids('deals') };
  }

  /** A contact's associations as stored: company ids (primary first) and deal ids. */
  contactAssociations(contactId: string): { companies: string[]; primaryCompany: string | null; deals: string[] } {
    const companies = this.store.associations('contacts', contactId, 'companies');
    const primary = companies.find((c) => c.types.some((t) => t.label === 'Primary'))?.id ?? null;
    return { companies: companies.map((c) => c.id), primaryCompany: primary, deals: this.store.associations('contacts', contactId, 'deals').map((d) => d.id) };
  }

  /** Today's daily quota (0 limit: none). */
  dailyUsage(): { limit: number; used: number; remaining: number } {
    const { dailyLimit: limit, timeZone } = this.settings;
    return { limit, used: this.#daily.used(timeZone), remaining: this.#daily.remaining(limit, timeZone) };
  }

  /** Leaves `remaining` requests of today's quota (0: the next request answers 429 DAILY). */
  setDailyRemaining(remaining: number): void {
    this.#daily.setRemaining(this.settings.dailyLimit, remaining, this.settings.timeZone);
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
   * The next `count` writes (contact, company or email creation) are committed, then the connection is
   * destroyed before any response byte is sent: the client cannot know whether it worked.
   */
  dropResponseAfterCommit(count = 1): void {
    this.#dropNext = count;
  }

  stats(): HubSpotEmulatorStats {
    return {
      requests: { ...this.#stats.requests },
      rateLimited: this.#stats.rateLimited,
      dailyLimited: this.#stats.dailyLimited,
      serverErrors: this.#stats.serverErrors,
      unauthorized: this.#stats.unauthorized,
      droppedResponses: this.#stats.droppedResponses,
      connections: this.#server?.connections() ?? 0,
    };
  }

  /** Zeroes the counters and empties the rate-limit windows (today's daily count too). */
  resetStats(): void {
    this.#stats = HubSpotEmulator.#emptyStats();
    this.#tenSecondly.reset();
    this.#searchSecondly.reset();
    this.#daily.reset();
  }

  static #emptyStats(): Omit<HubSpotEmulatorStats, 'connections'> {
    return { requests: {}, rateLimited: 0, dailyLimited: 0, serverErrors: 0, unauthorized: 0, droppedResponses: 0 };
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
    }, { timeZone: this.settings.timeZone });
    const name = found?.name ?? 'unknown';
    this.#stats.requests[name] = (this.#stats.requests[name] ?? 0) + 1;
    let rateHeaders: Record<string, string> = {};
    try {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      this.#authenticate(req);
      this.#injectFailure();
      rateHeaders = this.#admit(found?.search ?? false);
      if (!found) throw notFound(`Unable to route ${req.method} ${url.pathname}`);
      if (found.scope && this.settings.missingScopes.includes(found.scope)) throw forbidden();
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
      if (apiError.status === 429 && apiError.body.policyName === 'DAILY') this.#stats.dailyLimited += 1;
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
   * Applies the daily and burst limits; returns the X-HubSpot-RateLimit-* headers for the answer
   * (search endpoints send none, as HubSpot's do not). Throws a 429 when over a limit: DAILY
   * first (without Retry-After: HubSpot promises none), then the search and ten-secondly windows.
   * Only admitted requests count against any limit.
   */
  #admit(search: boolean): Record<string, string> {
    const now = Date.now();
    const { dailyLimit, timeZone } = this.settings;
    const daily = (remaining: number): Record<string, string> => (dailyLimit > 0 ? {
      'x-hubspot-ratelimit-daily': String(dailyLimit),
      'x-hubspot-ratelimit-daily-remaining': String(remaining),
    } : {});
    const dailyLeft = this.#daily.remaining(dailyLimit, timeZone, now);
    if (dailyLimit > 0 && dailyLeft <= 0) throw rateLimited('DAILY', null, search ? {} : daily(0));
    let headers: Record<string, string> = {};
    if (this.settings.rateLimit) {
      const limit = this.settings.requestsPer10Seconds;
      if (search) {
        const wait = this.#searchSecondly.take(this.settings.searchPerSecond, now);
        if (wait > 0) throw rateLimited('SECONDLY', this.settings.retryAfterHeader ? wait : null);
      }
      const wait = this.#tenSecondly.take(limit, now);
      headers = search ? {} : {
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
        'x-hubspot-ratelimit-max': String(limit),
        'x-hubspot-ratelimit-remaining': String(this.#tenSecondly.remaining(limit, now)),
      };
      if (wait > 0) throw rateLimited('TEN_SECONDLY_ROLLING', this.settings.retryAfterHeader ? wait : null, { ...headers, ...(search ? {} : daily(dailyLeft)) });
    }
    if (dailyLimit > 0) this.#daily.spend(timeZone, now);
    return search ? headers : { ...headers, ...daily(dailyLeft - 1) };
  }
}

function plain(record: CrmRecord): { id: string; properties: Record<string, string> } {
  return { id: record.id, properties: { ...record.properties } };
}
