// The HubSpot CRM v3 connector: contact lookup by email, logging an email engagement
// associated with contacts, and reading those engagements back with the idempotency key
// Mailbridge attached, so the outbox can tell "logged" from "lost" after a failed attempt.
// Reference: developers.hubspot.com/docs/api/crm/{search,email,owners,associations/associations-v4},
//            developers.hubspot.com/docs/api/settings/account-information-api.
import type { CrmConnector, CrmContact, EmailActivity, EmailAssociations, EmailDirection, LoggedEmail } from '../types.ts';
import { CrmError } from '../types.ts';
import { buildEmailHeaders, readIdempotencyKey } from './hubspot-email-headers.ts';
import { HubSpotHttp } from './hubspot-http.ts';
import type { HubSpotConfig } from '../../platform/profile-config.ts';

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
}

/**
 * Email addresses per search request. The search reference documents IN (`values: [...]`, string
 * values lower-cased) and pages of up to 200 results but states no cap on `values`; 100 keeps
 * every batch inside one page of results and inside the cap the emulator assumes.
 */
export const SEARCH_BATCH = 100;
/** Ids per batch read (crm/objects batch endpoints take up to 100 inputs). */
export const BATCH_READ_SIZE = 100;
/** Association rows per page (associations v4 list: up to 500). */
const ASSOCIATION_PAGE = 500;
/** HubSpot rejects string property values longer than this many characters. */
export const MAX_PROPERTY_CHARS = 65_536;

const CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'company', 'hubspot_owner_id'];
const DIRECTION: Record<EmailDirection, string> = { outgoing: 'EMAIL', incoming: 'INCOMING_EMAIL', forwarded: 'FORWARDED_EMAIL' };
/** HUBSPOT_DEFINED association type email → contact (associations v4 type ids). */
export const EMAIL_TO_CONTACT_TYPE_ID = 198;
/** HUBSPOT_DEFINED email→company and email→deal (developers.hubspot.com/docs/api/crm/associations). */
export const EMAIL_TO_COMPANY_TYPE_ID = 186;
export const EMAIL_TO_DEAL_TYPE_ID = 210;

const association = (id: string, associationTypeId: number) => ({
  to: { id },
  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }],
});

interface SimplePublicObject {
  id: string;
  properties: Record<string, string | null>;
}

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

export class HubSpotConnector implements CrmConnector {
  readonly crm = 'hubspot';
  readonly #http: HubSpotHttp;
  /** Owner id → display name; a failed lookup is not cached. */
  readonly #owners = new Map<string, Promise<string>>();

  constructor(options: HubSpotConnectorOptions) {
    this.#http = new HubSpotHttp({
      accessToken: options.accessToken,
      baseUrl: (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, ''),
      fetch: options.fetch ?? globalThis.fetch,
      requestsPer10Seconds: options.requestsPer10Seconds ?? 100,
      searchRequestsPerSecond: options.searchRequestsPerSecond ?? 5,
      timeoutMs: options.timeoutMs ?? 30_000,
      readAttempts: options.readAttempts ?? 3,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 15_000,
    });
  }

  /** Requests sent, read retries and 429s seen so far. */
  get stats(): { requests: number; retries: number; rateLimited: number } {
    return { ...this.#http.stats };
  }

  /**
   * GET /account-info/v3/details → accountLabel = the portal (hub) id. A token without access
   * to account info (403) is checked with GET /crm/v3/objects/contacts?limit=1 instead and
   * labelled "HubSpot". Throws CrmAuthError when the token is refused.
   */
  async verify(): Promise<{ accountLabel: string }> {
    const { status, body } = await this.#http.request<{ portalId?: number }>({
      method: 'GET',
      path: '/account-info/v3/details',
      idempotent: true,
      acceptStatuses: [403],
    });
    if (status !== 403) return { accountLabel: body?.portalId ? String(body.portalId) : 'HubSpot' };
    await this.#http.request({ method: 'GET', path: '/crm/v3/objects/contacts?limit=1&archived=false', idempotent: true });
    return { accountLabel: 'HubSpot' };
  }

  /**
   * POST /crm/v3/objects/contacts/search with `email IN [...]` (lower-cased, as the IN operator
   * requires), SEARCH_BATCH addresses per request, paced at searchRequestsPerSecond. Owners are
   * resolved once per id through GET /crm/v3/owners/{id}; an owner that cannot be read stays its id.
   * Addresses without "@" are ignored; unknown addresses are absent from the result.
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
      const p = record.properties;
      return {
        crmContactId: record.id,
        email,
        name: [p.firstname, p.lastname].filter(Boolean).join(' ').trim(),
        company: p.company ?? '',
        owner: p.hubspot_owner_id ? await this.#ownerName(p.hubspot_owner_id) : '',
      };
    }));
  }

  /**
   * POST /crm/v3/objects/emails: one engagement associated with every contact, company and deal
   * (HUBSPOT_DEFINED types 198, 186, 210), hs_timestamp in ISO 8601 UTC, hs_email_status SENT, and hs_email_headers carrying
   * the idempotency key (see hubspot-email-headers.ts). Sent once, never retried here: on
   * CrmUnreachableError the email may exist, so check listLoggedEmails before sending again.
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
      path: '/crm/v3/objects/emails',
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
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(ASSOCIATION_PAGE), ...(after ? { after } : {}) });
      const { body } = await this.#http.request<{ results: Array<{ toObjectId: number | string }>; paging?: { next?: { after: string } } }>({
        method: 'GET',
        path: `/crm/v4/objects/contacts/${encodeURIComponent(crmContactId)}/associations/emails?${query}`,
        idempotent: true,
      });
      for (const row of body.results ?? []) ids.push(String(row.toObjectId));
      after = body.paging?.next?.after;
    } while (after);

    const emails: LoggedEmail[] = [];
    for (let i = 0; i < ids.length; i += BATCH_READ_SIZE) {
      const { body } = await this.#http.request<{ results: SimplePublicObject[] }>({
        method: 'POST',
        path: '/crm/v3/objects/emails/batch/read',
        body: {
          properties: ['hs_timestamp', 'hs_email_subject', 'hs_email_headers'],
          inputs: ids.slice(i, i + BATCH_READ_SIZE).map((id) => ({ id })),
        },
        idempotent: true,
      });
      for (const record of body.results ?? []) {
        emails.push({
          crmActivityId: String(record.id),
          timestamp: readTimestamp(record.properties.hs_timestamp),
          subject: record.properties.hs_email_subject ?? '',
          idempotencyKey: readIdempotencyKey(record.properties.hs_email_headers),
        });
      }
    }
    return emails.sort((a, b) => b.timestamp - a.timestamp || compareIds(b.crmActivityId, a.crmActivityId));
  }

  async #searchByEmail(batch: string[]): Promise<SimplePublicObject[]> {
    const results: SimplePublicObject[] = [];
    let after: string | undefined;
    do {
      const { body } = await this.#http.request<SearchResponse>({
        method: 'POST',
        path: '/crm/v3/objects/contacts/search',
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

  #ownerName(ownerId: string): Promise<string> {
    let name = this.#owners.get(ownerId);
    if (!name) {
      // 404 (owner deactivated or gone) is an answer worth caching; 403 (no owners scope) too.
      name = this.#http
        .request<Owner>({ method: 'GET', path: `/crm/v3/owners/${encodeURIComponent(ownerId)}`, idempotent: true, acceptStatuses: [403, 404] })
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

/** hs_timestamp comes back as ISO 8601; older records may hold ms since the epoch. 0 when unreadable. */
function readTimestamp(value: string | null | undefined): number {
  if (!value) return 0;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The CRM service's connector factory for the profile's HubSpot endpoint and pacing. */
export function hubSpotConnectorFactory(config: HubSpotConfig): (connection: { accessToken: string }) => HubSpotConnector {
  return ({ accessToken }) =>
    new HubSpotConnector({
      accessToken,
      ...(config.apiUrl ? { baseUrl: config.apiUrl } : {}),
      ...(config.requestsPer10Seconds ? { requestsPer10Seconds: config.requestsPer10Seconds } : {}),
    });
}
