// The HubSpot CRM connector: contact lookup by email with the contact card's fields, the
// contact's primary company and open deals, creating a contact, logging an email engagement
// associated with contacts, companies and deals, and reading those engagements back with the
// idempotency key Mailbridge attached, so the outbox can tell "logged" from "lost".
// Paths: hubspot-paths.ts (one version constant). Reference: developers.hubspot.com/docs/api/crm/
// {search,email,owners,associations/associations-v4,pipelines}, …/settings/account-information-api.
import type {
  CrmCompany, CrmConnector, CrmContact, CrmDeal, EmailActivity, EmailAssociations, EmailDirection, LoggedEmail, NewContact,
} from '../types.ts';
import { CrmAuthError, CrmError } from '../types.ts';
import { buildEmailHeaders, readIdempotencyKey } from './hubspot-email-headers.ts';
import { HubSpotHttp } from './hubspot-http.ts';
import { HUBSPOT_API_VERSION, hubSpotPaths, type HubSpotApiVersion, type HubSpotPaths } from './hubspot-paths.ts';
import { associatedRecords, batchRead, compareIds, CONTACT_TO_PRIMARY_COMPANY_TYPE_ID, openDeals, primaryCompanies } from './hubspot-reads.ts';
import {
  COMPANY_PROPERTIES, CONTACT_PROPERTIES, readTimestamp, splitName, toCrmCompany, toCrmContact, type RecordLinks, type SimplePublicObject,
} from './hubspot-records.ts';
import type { HubSpotConfig } from '../../platform/profile-config.ts';

export { BATCH_READ_SIZE, CONTACT_TO_PRIMARY_COMPANY_TYPE_ID } from './hubspot-reads.ts';

export interface HubSpotConnectorOptions {
  /** Private-app token or OAuth access token (or a function returning the current one). Never logged. */
  accessToken: string | (() => string | Promise<string>);
  /** API root, default https://api.hubapi.com (an emulator's URL in tests). */
  baseUrl?: string;
  /** Default: Node's global fetch (undici, which honours NODE_EXTRA_CA_CERTS). */
  fetch?: typeof globalThis.fetch;
  /** Requests per rolling 10 s, default 100 (HubSpot private apps: 100 Free/Starter, 190 Pro/Enterprise). */
  requestsPer10Seconds?: number;
  /** Search requests per rolling second, default 5 (crm/search limit). */
  searchRequestsPerSecond?: number;
  /** Per-request deadline in ms, default 30,000. */
  timeoutMs?: number;
  /** Attempts per read (search, associations, batch read, owner) counting the first, default 3. Writes get one. */
  readAttempts?: number;
  /** Longest Retry-After a read waits out before giving up with CrmRateLimitError, ms; default 15,000. */
  maxRetryWaitMs?: number;
  /** The portal (hub) id when already known (the stored account label): record links work before verify(). */
  portalId?: string;
  /** The account's time zone when already known (IANA, as the account details give it): the daily limit's reset. */
  timeZone?: string;
  /** Default HUBSPOT_API_VERSION. */
  apiVersion?: HubSpotApiVersion;
  /** Clock, ms since the epoch; default Date.now. */
  now?: () => number;
}

/** The account as GET /account-info/v3/details describes it (PortalInformationResponse). */
export interface HubSpotAccount {
  portalId: string;
  /** IANA zone of the account ("US/Eastern"): the daily limit resets at its midnight. */
  timeZone: string | null;
  /** The web app's host for record links: app.hubspot.com, app-eu1.hubspot.com, … */
  uiDomain: string;
}

/**
 * Email addresses per search request. The search reference documents IN (`values: [...]`, string
 * values lower-cased) and pages of up to 200 results but states no cap on `values`; 100 keeps
 * every batch inside one page of results and inside the cap the emulator assumes.
 */
export const SEARCH_BATCH = 100;
/** HubSpot rejects string property values longer than this many characters. */
export const MAX_PROPERTY_CHARS = 65_536;

const DIRECTION: Record<EmailDirection, string> = { outgoing: 'EMAIL', incoming: 'INCOMING_EMAIL', forwarded: 'FORWARDED_EMAIL' };
/** HUBSPOT_DEFINED association type ids (developers.hubspot.com/docs/api/crm/associations/associations-v4, "association type id values"). */
export const EMAIL_TO_CONTACT_TYPE_ID = 198;
export const EMAIL_TO_COMPANY_TYPE_ID = 186;
export const EMAIL_TO_DEAL_TYPE_ID = 210;
const DEFAULT_UI_DOMAIN = 'app.hubspot.com';

const association = (id: string, associationTypeId: number) => ({
  to: { id },
  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }],
});

interface SearchResponse {
  total: number;
  results: SimplePublicObject[];
  paging?: { next?: { after: string } };
}

interface Owner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

interface AccountDetails {
  portalId?: number;
  timeZone?: string;
  utcOffsetMilliseconds?: number;
  uiDomain?: string;
}

export class HubSpotConnector implements CrmConnector {
  readonly crm = 'hubspot';
  readonly #http: HubSpotHttp;
  readonly #paths: HubSpotPaths;
  /** Owner id → display name; a failed lookup is not cached. */
  readonly #owners = new Map<string, Promise<string>>();
  #account: HubSpotAccount | null = null;
  #accountRead: Promise<HubSpotAccount | null> | null = null;
  /** Deal stage id → label, read once from the deal pipelines; a failed read is not cached. */
  #stageLabels: Promise<Map<string, string>> | null = null;

  constructor(options: HubSpotConnectorOptions) {
    this.#paths = hubSpotPaths(options.apiVersion ?? HUBSPOT_API_VERSION);
    this.#http = new HubSpotHttp({
      accessToken: options.accessToken,
      baseUrl: (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, ''),
      fetch: options.fetch ?? globalThis.fetch,
      requestsPer10Seconds: options.requestsPer10Seconds ?? 100,
      searchRequestsPerSecond: options.searchRequestsPerSecond ?? 5,
      timeoutMs: options.timeoutMs ?? 30_000,
      readAttempts: options.readAttempts ?? 3,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 15_000,
      paths: this.#paths,
      ...(options.now ? { now: options.now } : {}),
    });
    if (options.portalId) this.#account = { portalId: options.portalId, timeZone: options.timeZone ?? null, uiDomain: DEFAULT_UI_DOMAIN };
    if (options.timeZone) this.#http.noteAccountClock({ timeZone: options.timeZone });
  }

  /** Requests sent, read retries, 429s seen, and requests refused locally while the daily quota is spent. */
  get stats(): { requests: number; retries: number; rateLimited: number; dailyLimited: number } {
    return { ...this.#http.stats };
  }

  /** While HubSpot's daily quota is spent: when it resets (ms since the epoch); null otherwise. */
  dailyLimitResetsAt(): number | null {
    return this.#http.dailyLimitResetsAt();
  }

  /**
   * GET /account-info/v3/details → accountLabel = the portal (hub) id, and the account (portal
   * id, time zone, UI domain) is kept for record links and the daily reset. A token without
   * access to account info (403) is checked with GET /crm/v3/objects/contacts?limit=1 instead
   * and labelled "HubSpot". Throws CrmAuthError when the token is refused.
   */
  async verify(): Promise<{ accountLabel: string }> {
    const { forbidden, account } = await this.#readAccount();
    if (!forbidden) return { accountLabel: account?.portalId ?? 'HubSpot' };
    await this.#http.request({
      method: 'GET',
      path: this.#paths.objects('contacts', new URLSearchParams({ limit: '1', archived: 'false' })),
      idempotent: true,
    });
    return { accountLabel: 'HubSpot' };
  }

  /**
   * The account details, read once and kept (verify() reads them too); null when the token may
   * not read account info (403). Reading them early lets record links and the daily limit's
   * reset (midnight in the account's zone, not UTC) work. Throws CrmError as verify() does.
   */
  accountDetails(): Promise<HubSpotAccount | null> {
    if (this.#account?.timeZone) return Promise.resolve(this.#account);
    this.#accountRead ??= this.#readAccount().then(({ account }) => account, (error: unknown) => {
      this.#accountRead = null;
      throw error;
    });
    return this.#accountRead;
  }

  /**
   * POST /crm/v3/objects/contacts/search with `email IN [...]` (lower-cased, as the IN operator
   * requires), SEARCH_BATCH addresses per request, paced at searchRequestsPerSecond, reading the
   * card's properties (hubspot-records.ts CONTACT_PROPERTIES). Owners are resolved once per id
   * through GET /crm/v3/owners/{id}; an owner that cannot be read stays its id. Card fields are
   * present only when HubSpot holds a value; `url` only once the portal id is known (verify(),
   * accountDetails() or the portalId option). Addresses without "@" are ignored; unknown
   * addresses are absent from the result.
   */
  async findContactsByEmail(emails: readonly string[]): Promise<CrmContact[]> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += SEARCH_BATCH) batches.push(wanted.slice(i, i + SEARCH_BATCH));
    const found = (await Promise.all(batches.map((batch) => this.#searchByEmail(batch)))).flat();
    const byEmail = new Map<string, SimplePublicObject>();
    for (const record of found) {
      const email = record.properties.email?.toLowerCase();
      if (email && !byEmail.has(email)) byEmail.set(email, record);
    }
    return Promise.all([...byEmail].map(async ([email, record]) => {
      const ownerId = record.properties.hubspot_owner_id;
      return toCrmContact(record, email, ownerId ? await this.#ownerName(ownerId) : '', this.#links());
    }));
  }

  /**
   * Each contact's primary company: POST /crm/v4/associations/contacts/companies/batch/read (the
   * row labelled Primary, type 1), then POST /crm/v3/objects/companies/batch/read for name and
   * domain. Contacts without a primary company, or whose company is gone, are absent.
   */
  async companiesOf(crmContactIds: readonly string[]): Promise<Map<string, CrmCompany>> {
    return primaryCompanies(this.#http, this.#paths, crmContactIds);
  }

  /**
   * The contact's open deals, newest first (createdate, then id): GET
   * /crm/v4/objects/contacts/{id}/associations/deals (all pages), POST /crm/v3/objects/deals/batch/read
   * (dealname, dealstage, amount, closedate, hs_is_closed, deal_currency_code), deals with
   * hs_is_closed "true" (closed won or lost) left out. Stages are labelled from GET
   * /crm/v3/pipelines/deals, read once; without it (403 or a failure) a stage stays its id.
   */
  async openDealsOf(crmContactId: string): Promise<CrmDeal[]> {
    return openDeals(this.#http, this.#paths, crmContactId, () => this.#dealStageLabels(), this.#links());
  }

  /**
   * POST /crm/v3/objects/contacts with email, firstname/lastname (the display name split, "Last,
   * First" turned around) and company (the text property). When a HubSpot company matches — by
   * the address's domain first, else by exactly the `company` name (case aside), found with one
   * POST /crm/v3/objects/companies/search — the contact is created with it as its primary company
   * (type 1). No company is created: HubSpot's own "create and associate companies" setting
   * decides that. A 409 (the address exists) resolves to the existing contact. Sent once: on
   * CrmUnreachableError look the address up before creating again.
   */
  async createContact(person: NewContact): Promise<CrmContact> {
    const email = person.email.trim().toLowerCase();
    const domain = email.split('@')[1] ?? '';
    if (!email.includes('@') || !domain) throw new CrmError(`"${person.email}" is not an email address`, { retryable: false });
    const company = await this.#findCompany(domain, person.company.trim());
    const { firstname, lastname } = splitName(person.name);
    const properties: Record<string, string> = { email };
    if (firstname) properties.firstname = firstname;
    if (lastname) properties.lastname = lastname;
    const companyName = person.company.trim() || company?.name || '';
    if (companyName) properties.company = companyName;
    const { status, body } = await this.#http.request<SimplePublicObject>({
      method: 'POST',
      path: this.#paths.objects('contacts'),
      body: { properties, associations: company ? [association(company.crmCompanyId, CONTACT_TO_PRIMARY_COMPANY_TYPE_ID)] : [] },
      acceptStatuses: [409],
    });
    if (status === 409) {
      const [existing] = await this.findContactsByEmail([email]);
      if (existing) return existing;
      throw new CrmError(`HubSpot says ${email} exists but it cannot be found`, { retryable: false });
    }
    if (!body?.id) throw new CrmError('HubSpot answered the contact creation without an id', { retryable: false });
    const contact = toCrmContact({ id: String(body.id), properties: { ...properties, ...body.properties } }, email, '', this.#links());
    if (company) contact.crmCompanyId = company.crmCompanyId;
    return contact;
  }

  /**
   * POST /crm/v3/objects/emails: one engagement associated with every contact, company and deal
   * (HUBSPOT_DEFINED types 198, 186, 210), hs_timestamp in ISO 8601 UTC, hs_email_status SENT, and hs_email_headers carrying
   * the idempotency key (see hubspot-email-headers.ts). Sent once, never retried here: on
   * CrmUnreachableError the email may exist, so check listLoggedEmails before sending again.
   * An unknown company or deal id is HubSpot's 400 (CrmError, not retryable), and nothing is created.
   * Bodies longer than MAX_PROPERTY_CHARS are cut to fit. Throws CrmError (not retryable) without contacts.
   */
  async logEmail(activity: EmailActivity, associations: EmailAssociations): Promise<{ crmActivityId: string }> {
    const contacts = [...new Set(associations.contacts)];
    if (!contacts.length) throw new CrmError('an email must be associated with at least one contact', { retryable: false });
    const properties: Record<string, string> = {
      hs_timestamp: new Date(activity.timestamp).toISOString(),
      hs_email_direction: DIRECTION[activity.direction],
      hs_email_status: 'SENT',
      hs_email_subject: activity.subject,
      hs_email_text: activity.text.slice(0, MAX_PROPERTY_CHARS),
      hs_email_headers: buildEmailHeaders(activity),
    };
    if (activity.html) properties.hs_email_html = activity.html.slice(0, MAX_PROPERTY_CHARS);
    const { body } = await this.#http.request<SimplePublicObject>({
      method: 'POST',
      path: this.#paths.objects('emails'),
      body: {
        properties,
        associations: [
          ...contacts.map((id) => association(id, EMAIL_TO_CONTACT_TYPE_ID)),
          ...[...new Set(associations.companies ?? [])].map((id) => association(id, EMAIL_TO_COMPANY_TYPE_ID)),
          ...[...new Set(associations.deals ?? [])].map((id) => association(id, EMAIL_TO_DEAL_TYPE_ID)),
        ],
      },
    });
    if (!body?.id) throw new CrmError('HubSpot answered the email creation without an id', { retryable: false });
    return { crmActivityId: String(body.id) };
  }

  /**
   * GET /crm/v4/objects/contacts/{id}/associations/emails (all pages), then
   * POST /crm/v3/objects/emails/batch/read for hs_timestamp, hs_email_subject and
   * hs_email_headers, BATCH_READ_SIZE ids at a time. Emails deleted in between are skipped.
   * Newest first (hs_timestamp, then id).
   */
  async listLoggedEmails(crmContactId: string): Promise<LoggedEmail[]> {
    const ids = (await associatedRecords(this.#http, this.#paths, 'contacts', crmContactId, 'emails')).map((r) => r.id);
    const records = await batchRead(this.#http, this.#paths, 'emails', ids, ['hs_timestamp', 'hs_email_subject', 'hs_email_headers']);
    const emails = records.map((record) => ({
      crmActivityId: String(record.id),
      timestamp: readTimestamp(record.properties.hs_timestamp) ?? 0,
      subject: record.properties.hs_email_subject ?? '',
      idempotencyKey: readIdempotencyKey(record.properties.hs_email_headers),
    }));
    return emails.sort((a, b) => b.timestamp - a.timestamp || compareIds(b.crmActivityId, a.crmActivityId));
  }

  /** GET account details; keeps the account and tells the HTTP layer its time zone. `forbidden`: 403 (no account-info access). */
  async #readAccount(): Promise<{ forbidden: boolean; account: HubSpotAccount | null }> {
    const { status, body } = await this.#http.request<AccountDetails>({
      method: 'GET',
      path: this.#paths.accountDetails(),
      idempotent: true,
      acceptStatuses: [403],
    });
    if (status === 403) return { forbidden: true, account: null };
    if (!body?.portalId) return { forbidden: false, account: null };
    const account: HubSpotAccount = {
      portalId: String(body.portalId),
      timeZone: typeof body.timeZone === 'string' ? body.timeZone : null,
      uiDomain: typeof body.uiDomain === 'string' && body.uiDomain ? body.uiDomain : DEFAULT_UI_DOMAIN,
    };
    this.#account = account;
    if (account.timeZone) this.#http.noteAccountClock({ timeZone: account.timeZone, utcOffsetMs: body.utcOffsetMilliseconds ?? null });
    return { forbidden: false, account };
  }

  #links(): RecordLinks | null {
    return this.#account ? { portalId: this.#account.portalId, uiDomain: this.#account.uiDomain } : null;
  }

  async #searchByEmail(batch: string[]): Promise<SimplePublicObject[]> {
    const results: SimplePublicObject[] = [];
    let after: string | undefined;
    do {
      const { body } = await this.#http.request<SearchResponse>({
        method: 'POST',
        path: this.#paths.objectsSearch('contacts'),
        body: {
          filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: batch }] }],
          properties: CONTACT_PROPERTIES,
          limit: SEARCH_BATCH,
          ...(after ? { after } : {}),
        },
        search: true,
        idempotent: true,
      });
      results.push(...(body.results ?? []));
      after = body.paging?.next?.after;
    } while (after);
    return results;
  }

  /** One company search: filter groups ORed, so domain EQ and name EQ in one request. */
  async #findCompany(domain: string, name: string): Promise<CrmCompany | null> {
    const filterGroups = [
      { filters: [{ propertyName: 'domain', operator: 'EQ', value: domain }] },
      ...(name ? [{ filters: [{ propertyName: 'name', operator: 'EQ', value: name }] }] : []),
    ];
    const { body } = await this.#http.request<SearchResponse>({
      method: 'POST',
      path: this.#paths.objectsSearch('companies'),
      body: { filterGroups, properties: COMPANY_PROPERTIES, limit: 10 },
      search: true,
      idempotent: true,
    });
    const companies = (body.results ?? []).map(toCrmCompany);
    return companies.find((c) => c.domain === domain)
      ?? (name ? companies.find((c) => c.name.trim().toLowerCase() === name.toLowerCase()) : undefined)
      ?? null;
  }

  #dealStageLabels(): Promise<Map<string, string>> {
    this.#stageLabels ??= this.#http
      .request<{ results?: Array<{ stages?: Array<{ id: string; label: string }> }> }>({
        method: 'GET', path: this.#paths.pipelines('deals'), idempotent: true, acceptStatuses: [403],
      })
      .then(({ status, body }) => new Map(status === 200 ? (body.results ?? []).flatMap((p) => (p.stages ?? []).map((s) => [s.id, s.label] as const)) : []))
      .catch((error: unknown) => {
        this.#stageLabels = null;
        if (!(error instanceof CrmError) || error instanceof CrmAuthError) throw error;
        return new Map<string, string>();
      });
    return this.#stageLabels;
  }

  #ownerName(ownerId: string): Promise<string> {
    let name = this.#owners.get(ownerId);
    if (!name) {
      // 404 (owner deactivated or gone) is an answer worth caching; 403 (no owners scope) too.
      name = this.#http
        .request<Owner>({ method: 'GET', path: this.#paths.owner(ownerId), idempotent: true, acceptStatuses: [403, 404] })
        .then(({ status, body }) => status === 200
          ? [body.firstName, body.lastName].filter(Boolean).join(' ').trim() || body.email || ownerId
          : ownerId)
        .catch((error: unknown) => {
          this.#owners.delete(ownerId);
          if (!(error instanceof CrmError)) throw error;
          return ownerId;
        });
      this.#owners.set(ownerId, name);
    }
    return name;
  }
}

/**
 * The CRM service's connector factory for the profile's HubSpot endpoint and pacing. A numeric
 * `accountLabel` (the stored portal id) and a stored `timeZone` let links and the daily reset
 * work before the connector has read the account details itself.
 */
export function hubSpotConnectorFactory(config: HubSpotConfig): (connection: { accessToken: string; accountLabel?: string | null; timeZone?: string | null }) => HubSpotConnector {
  return ({ accessToken, accountLabel, timeZone }) =>
    new HubSpotConnector({
      accessToken,
      ...(config.apiUrl ? { baseUrl: config.apiUrl } : {}),
      ...(config.requestsPer10Seconds ? { requestsPer10Seconds: config.requestsPer10Seconds } : {}),
      ...(accountLabel && /^\d+$/.test(accountLabel) ? { portalId: accountLabel } : {}),
      ...(timeZone ? { timeZone } : {}),
    });
}
