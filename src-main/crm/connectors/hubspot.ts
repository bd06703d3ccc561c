// The HubSpot CRM connector: contact lookup by email with the contact card's fields, the
// contact's primary company and open deals, creating a contact with its company, logging an email engagement
// associated with contacts, companies and deals, and reading those engagements back with the
// idempotency key Mailbridge attached, so the outbox can tell "logged" from "lost".
// Paths: hubspot-paths.ts (one version constant). Reference: developers.hubspot.com/docs/api/crm/
// {search,email,owners,associations/associations-v4,pipelines}, …/settings/account-information-api.
import type {
  CrmCompany, CrmConnector, CrmContact, CrmDeal, EmailActivity, EmailAssociations, EmailDirection, LoggedEmail, NewContact,
} from '../types.ts';
import { CrmError } from '../types.ts';
import { buildEmailHeaders, readIdempotencyKey } from './hubspot-email-headers.ts';
import { HubSpotHttp } from './hubspot-http.ts';
import { HUBSPOT_API_VERSION, hubSpotPaths, type HubSpotApiVersion, type HubSpotPaths } from './hubspot-paths.ts';
import { createContactWithCompany, searchContactsByEmail } from './hubspot-contacts.ts';
import { HubSpotLookups } from './hubspot-lookups.ts';
import { associatedRecords, batchRead, compareIds, openDeals, primaryCompanies } from './hubspot-reads.ts';
import { associationTo, readTimestamp, toCrmContact, type RecordLinks, type SimplePublicObject } from './hubspot-records.ts';
import type { HubSpotConfig } from '../../platform/profile-config.ts';

export { BATCH_READ_SIZE, CONTACT_TO_PRIMARY_COMPANY_TYPE_ID } from './hubspot-reads.ts';
export { FREE_MAIL_DOMAINS, SEARCH_BATCH } from './hubspot-contacts.ts';

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

/** HubSpot rejects string property values longer than this many characters. */
export const MAX_PROPERTY_CHARS = 65_536;

const DIRECTION: Record<EmailDirection, string> = { outgoing: 'EMAIL', incoming: 'INCOMING_EMAIL', forwarded: 'FORWARDED_EMAIL' };
/** HUBSPOT_DEFINED association type ids (developers.hubspot.com/docs/api/crm/associations/associations-v4, "association type id values"). */
export const EMAIL_TO_CONTACT_TYPE_ID = 198;
export const EMAIL_TO_COMPANY_TYPE_ID = 186;
export const EMAIL_TO_DEAL_TYPE_ID = 210;
const DEFAULT_UI_DOMAIN = 'app.hubspot.com';

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
  readonly #lookups: HubSpotLookups;
  #account: HubSpotAccount | null = null;
  #accountRead: Promise<HubSpotAccount | null> | null = null;

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
    this.#lookups = new HubSpotLookups(this.#http, this.#paths);
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
    const byEmail = await searchContactsByEmail(this.#http, this.#paths, wanted);
    return Promise.all([...byEmail].map(async ([email, record]) => {
      const ownerId = record.properties.hubspot_owner_id;
      return toCrmContact(record, email, ownerId ? await this.#lookups.ownerName(ownerId) : '', this.#links());
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
    return openDeals(this.#http, this.#paths, crmContactId, () => this.#lookups.dealStageLabels(), this.#links());
  }

  /**
   * "Add to HubSpot": POST /crm/v3/objects/contacts with email, firstname/lastname (the display
   * name split, "Last, First" turned around) and company (the text property), its primary
   * company (HUBSPOT_DEFINED 1) being the company of the address's domain (unless free mail,
   * FREE_MAIL_DOMAINS), else the one named exactly `company` (case aside), else a company
   * created with that name and the address's domain (none for free mail): one search, then at
   * most two creations (hubspot-contacts.ts createContactWithCompany). An empty `company` and
   * no match: no company.
   * A token without crm.objects.companies.write gets the contact without a company. A 409 (the
   * address exists) resolves to the existing contact. Sent once: on CrmUnreachableError look
   * the address up before creating again; a company already made is then found, not doubled.
   * Throws CrmError (not retryable) for an address without a domain, and the HTTP layer's errors.
   */
  async createContact(person: NewContact): Promise<CrmContact> {
    return createContactWithCompany(this.#http, this.#paths, person, this.#links(), async (email) => (await this.findContactsByEmail([email]))[0]);
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
          ...contacts.map((id) => associationTo(id, EMAIL_TO_CONTACT_TYPE_ID)),
          ...[...new Set(associations.companies ?? [])].map((id) => associationTo(id, EMAIL_TO_COMPANY_TYPE_ID)),
          ...[...new Set(associations.deals ?? [])].map((id) => associationTo(id, EMAIL_TO_DEAL_TYPE_ID)),
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
