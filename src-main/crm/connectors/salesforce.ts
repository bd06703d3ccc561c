// The Salesforce connector: Contacts and unconverted Leads found by email in batched SOQL,
// Accounts and open Opportunities (OpportunityContactRole and the contact's AccountId), an
// email logged as an EmailMessage with EmailMessageRelation rows in one Composite call (a Task
// with TaskSubtype 'Email' where Enhanced Email is off), read back with the idempotency key
// Mailbridge attached, and a Lead created from a sender. salesforce-email-log.ts holds the
// logging calls, salesforce-email.ts the records' fields and where the key rides,
// salesforce-records.ts the Contact, Lead and Opportunity rows as the connector's types.
// Reference: developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
// (Contact, Lead, Account, Opportunity, OpportunityContactRole, EmailMessage, EmailMessageRelation, Task).
import type {
  CrmCompany, CrmConnector, CrmContact, CrmDeal, EmailActivity, EmailAssociations, LoggedEmail, NewContact,
} from '../types.ts';
import { CrmError } from '../types.ts';
import type { SalesforceConfig } from '../../platform/profile-config.ts';
import {
  byIdDesc, compositeFailure, dateMs, KEY_PREFIX, listLoggedEmailsOf, logEmailTo, MAX_RELATED_PEOPLE, type EmailLogState,
} from './salesforce-email-log.ts';
import { SalesforceHttp, type ApiUsage } from './salesforce-http.ts';
import { inList, inListGroups, MAX_SOQL_CHARS, soqlString } from './salesforce-soql.ts';
import {
  CONTACT_FIELDS, domainOf, LEAD_FIELDS, OPPORTUNITY_FIELDS, toCrmContact, toCrmDeal, type ContactRow, type OpportunityRow,
} from './salesforce-records.ts';

export const DEFAULT_SALESFORCE_API_VERSION = 'v62.0';
/**
 * Wait after REQUEST_LIMIT_EXCEEDED, ms. The allocation is a rolling 24 hours: capacity comes
 * back as the calls of 24 hours ago age out, at a rate Salesforce does not report. An hour is
 * 1/24 of the window: long enough not to spend what frees up on failed retries, short enough
 * that the outbox drains the same working day once usage falls.
 */
export const REQUEST_LIMIT_RETRY_MS = 3_600_000;

export interface SalesforceConnectorOptions {
  /** The org's instance_url from the token answer, e.g. https://acme.my.salesforce.com. */
  instanceUrl: string;
  /** REST API version, e.g. v62.0 (default DEFAULT_SALESFORCE_API_VERSION). */
  apiVersion?: string;
  /** The current access token (SalesforceTokenSource.getAccessToken). Never logged. */
  getAccessToken(): Promise<string>;
  /** A 401 came back for `rejectedToken`: refresh (SalesforceTokenSource.invalidate). The request is then sent once more. */
  onUnauthorized?(rejectedToken: string): void;
  /** Default: Node's global fetch (undici, which honours NODE_EXTRA_CA_CERTS). */
  fetch?: typeof globalThis.fetch;
  /** Per-request deadline, ms; default 30,000. */
  timeoutMs?: number;
  /** Attempts per read counting the first, default 3. Writes get one. */
  readAttempts?: number;
  /** Longest SOQL statement the connector writes, characters; default 100,000 (the org default). */
  maxSoqlChars?: number;
  /** retryAfterMs of CrmRateLimitError after REQUEST_LIMIT_EXCEEDED; default REQUEST_LIMIT_RETRY_MS. */
  requestLimitRetryMs?: number;
  /** Whether Enhanced Email is on, when known; default: assume on, fall back to Tasks when refused. */
  enhancedEmail?: boolean;
}

export class SalesforceConnector implements CrmConnector {
  readonly crm = 'salesforce';
  /** Addresses one Composite call of IN lists carries (five statements within the SOQL length limit). */
  readonly matchBatchSize = 2_000;
  readonly #http: SalesforceHttp;
  readonly #instanceUrl: string;
  readonly #maxSoql: number;
  readonly #requestLimitRetryMs: number;
  /** Enhanced Email on/off once known, and person id → email learnt from lookups (saves a query when logging). */
  readonly #state: EmailLogState;

  constructor(options: SalesforceConnectorOptions) {
    this.#instanceUrl = options.instanceUrl.replace(/\/+$/, '');
    this.#maxSoql = options.maxSoqlChars ?? MAX_SOQL_CHARS;
    this.#requestLimitRetryMs = options.requestLimitRetryMs ?? REQUEST_LIMIT_RETRY_MS;
    this.#state = { enhancedEmail: options.enhancedEmail, emails: new Map(), requestLimitRetryMs: this.#requestLimitRetryMs };
    this.#http = new SalesforceHttp({
      instanceUrl: this.#instanceUrl,
      apiVersion: options.apiVersion ?? DEFAULT_SALESFORCE_API_VERSION,
      getAccessToken: options.getAccessToken,
      ...(options.onUnauthorized ? { onUnauthorized: options.onUnauthorized } : {}),
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
      readAttempts: options.readAttempts ?? 3,
      requestLimitRetryMs: this.#requestLimitRetryMs,
    });
  }

  /** Requests sent, read retries, 401 refreshes and REQUEST_LIMIT_EXCEEDED seen so far. */
  get stats(): { requests: number; retries: number; refreshes: number; rateLimited: number } {
    return { ...this.#http.stats };
  }

  /** The org's API usage as the last answer's Sforce-Limit-Info reported it; null before any answer. */
  get apiUsage(): ApiUsage | null {
    return this.#http.apiUsage;
  }

  /** Whether Enhanced Email is on: known after the first logged email (or from the options); undefined until then. */
  get enhancedEmail(): boolean | undefined {
    return this.#state.enhancedEmail;
  }

  /** SELECT Id, Name FROM Organization → accountLabel = the org's name. Throws CrmAuthError when the session is refused. */
  async verify(): Promise<{ accountLabel: string }> {
    const [org] = await this.#http.query<{ Name: string | null }>('SELECT Id, Name FROM Organization LIMIT 1');
    return { accountLabel: org?.Name || 'Salesforce' };
  }

  /**
   * Contacts (SELECT … FROM Contact WHERE Email IN (…)) and unconverted Leads (… FROM Lead
   * WHERE IsConverted = false AND Email IN (…)) for the addresses, lower-cased and deduplicated;
   * each IN list as long as the statement limit allows (maxSoqlChars), up to five statements
   * per Composite call (one API request each: one call for up to ~2,500 addresses). A Contact
   * wins over a Lead with the same address;
   * among several records of a kind the oldest id. Addresses without "@" are ignored.
   */
  async findContactsByEmail(emails: readonly string[]): Promise<CrmContact[]> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
    if (!wanted.length) return [];
    const contactHead = `SELECT ${CONTACT_FIELDS} FROM Contact WHERE Email IN `;
    const leadHead = `SELECT ${LEAD_FIELDS} FROM Lead WHERE IsConverted = false AND Email IN `;
    const groups = inListGroups([contactHead, leadHead], wanted, '', this.#maxSoql);
    const statements = groups.flatMap((g) => [contactHead + inList(g), leadHead + inList(g)]);
    const results = await this.#http.queries<ContactRow>(statements);
    const contacts = results.filter((_, i) => i % 2 === 0).flat();
    const leads = results.filter((_, i) => i % 2 === 1).flat();
    const byEmail = new Map<string, CrmContact>();
    const take = (rows: ContactRow[], kind: 'contact' | 'lead') => {
      for (const row of [...rows].sort((a, b) => byIdDesc(b.Id, a.Id))) {
        const email = row.Email?.toLowerCase();
        if (!email || byEmail.has(email)) continue;
        this.#state.emails.set(row.Id, email);
        byEmail.set(email, toCrmContact(row, kind, this.#instanceUrl));
      }
    };
    take(contacts, 'contact');
    take(leads, 'lead');
    return [...byEmail.values()];
  }

  /**
   * Logs one email for every contact and lead in `associations`, in two API calls: a Composite
   * that looks for this idempotency key on an EmailMessage found by MessageIdentifier (the
   * Message-ID) and reads the people's addresses, then a Composite (allOrNone) creating the
   * EmailMessage — RelatedToId = the first deal, else the first company — and an
   * EmailMessageRelation per person (FromAddress, ToAddress or CcAddress as they appear on the
   * message; ToAddress when not at all). Where Enhanced Email is off, a completed Task with
   * TaskSubtype 'Email' per person instead (WhatId likewise, none for leads). Resolves to the
   * EmailMessage id (or the first Task's); an email already logged with this key resolves to it.
   * Sent once: on CrmUnreachableError the email may exist, so the caller checks
   * listLoggedEmails (or calls logEmail again, whose first call finds it).
   * Throws CrmError (not retryable) without a contact, or with more than 200 people.
   */
  async logEmail(activity: EmailActivity, associations: EmailAssociations): Promise<{ crmActivityId: string }> {
    const people = [...new Set(associations.contacts)];
    if (!people.length) throw new CrmError('an email must be associated with at least one contact', { retryable: false });
    if (people.length > MAX_RELATED_PEOPLE) throw new CrmError(`an email can be related to at most ${MAX_RELATED_PEOPLE} people`, { retryable: false });
    const relatedToId = associations.deals?.[0] ?? associations.companies?.[0] ?? null;
    return { crmActivityId: await logEmailTo(this.#http, this.#state, activity, people, relatedToId) };
  }

  /**
   * The EmailMessages related to the person and the email Tasks about them (Enhanced Email's
   * own Task for each EmailMessage left out), newest first, with the key read back, in one
   * Composite call.
   */
  listLoggedEmails(crmContactId: string): Promise<LoggedEmail[]> {
    return listLoggedEmailsOf(this.#http, crmContactId);
  }

  /** The Account of each Contact (SELECT Id, AccountId, Account.Name, Account.Website FROM Contact WHERE Id IN (…)); leads and contacts without one are absent. */
  async companiesOf(crmContactIds: readonly string[]): Promise<Map<string, CrmCompany>> {
    const ids = [...new Set(crmContactIds)].filter((id) => id.startsWith(KEY_PREFIX.contact));
    const out = new Map<string, CrmCompany>();
    if (!ids.length) return out;
    const head = 'SELECT Id, AccountId, Account.Name, Account.Website FROM Contact WHERE AccountId != null AND Id IN ';
    const groups = inListGroups([head], ids, '', this.#maxSoql);
    const results = await this.#http.queries<{ Id: string; AccountId: string | null; Account: { Name: string | null; Website: string | null } | null }>(groups.map((g) => head + inList(g)));
    for (const row of results.flat()) {
      if (!row.AccountId) continue;
      out.set(row.Id, { crmCompanyId: row.AccountId, name: row.Account?.Name ?? '', domain: domainOf(row.Account?.Website) });
    }
    return out;
  }

  /**
   * Open Opportunities (IsClosed = false) the contact has a role in (OpportunityContactRole)
   * or that belong to the contact's Account, in one Composite call with two queries (SOQL
   * allows no semi-join under OR). Newest first. A Lead has none.
   */
  async openDealsOf(crmContactId: string): Promise<CrmDeal[]> {
    if (crmContactId.startsWith(KEY_PREFIX.lead)) return [];
    const id = soqlString(crmContactId);
    const [byRole, byAccount] = await this.#http.queries<OpportunityRow>([
      `SELECT ${OPPORTUNITY_FIELDS} FROM Opportunity WHERE IsClosed = false AND Id IN (SELECT OpportunityId FROM OpportunityContactRole WHERE ContactId = ${id})`,
      `SELECT ${OPPORTUNITY_FIELDS} FROM Opportunity WHERE IsClosed = false AND AccountId IN (SELECT AccountId FROM Contact WHERE Id = ${id})`,
    ]);
    const seen = new Map<string, OpportunityRow>();
    for (const row of [...byRole!, ...byAccount!]) if (!seen.has(row.Id)) seen.set(row.Id, row);
    return [...seen.values()]
      .sort((a, b) => (dateMs(b.CreatedDate) ?? 0) - (dateMs(a.CreatedDate) ?? 0) || byIdDesc(a.Id, b.Id))
      .map((row) => toCrmDeal(row, this.#instanceUrl));
  }

  /**
   * Creates a Lead (LastName and Company are required: the display name's last word, else the
   * address's local part; the company, else the address's domain) and reads it back in the
   * same Composite call. Sent once: on CrmUnreachableError the caller looks the address up first.
   */
  async createContact(person: NewContact): Promise<CrmContact> {
    const email = person.email.trim().toLowerCase();
    const [local = email, domain = ''] = email.split('@');
    const parts = person.name.trim().split(/\s+/).filter(Boolean);
    const lastName = (parts.length ? parts.at(-1)! : local).slice(0, 80);
    const firstName = parts.slice(0, -1).join(' ').slice(0, 40);
    const company = (person.company.trim() || domain || email).slice(0, 255);
    const select = `SELECT ${LEAD_FIELDS} FROM Lead WHERE Id = `;
    const answers = await this.#http.composite([
      { method: 'POST', path: '/sobjects/Lead', referenceId: 'lead', body: { LastName: lastName, ...(firstName ? { FirstName: firstName } : {}), Email: email, Company: company } },
      { method: 'GET', path: `/query?q=${encodeURIComponent(select)}%27@{lead.id}%27`, referenceId: 'readBack' },
    ], { allOrNone: true });
    const failure = compositeFailure(answers, this.#requestLimitRetryMs);
    if (failure) throw failure;
    const row = (answers[1]!.body as { records?: ContactRow[] }).records?.[0];
    if (!row) throw new CrmError('Salesforce created the Lead but did not return it', { retryable: false });
    this.#state.emails.set(row.Id, email);
    return toCrmContact(row, 'lead', this.#instanceUrl);
  }
}

/** The credentials a Salesforce connection stores, as the CRM service hands them to the factory. */
export interface SalesforceConnection {
  instanceUrl: string;
  getAccessToken(): Promise<string>;
  onUnauthorized?(rejectedToken: string): void;
}

/** The CRM service's connector factory for the profile's Salesforce API version and deadline. */
export function salesforceConnectorFactory(config: SalesforceConfig): (connection: SalesforceConnection) => SalesforceConnector {
  return (connection) =>
    new SalesforceConnector({
      instanceUrl: connection.instanceUrl,
      getAccessToken: connection.getAccessToken,
      ...(connection.onUnauthorized ? { onUnauthorized: connection.onUnauthorized } : {}),
      ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
      ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
    });
}
