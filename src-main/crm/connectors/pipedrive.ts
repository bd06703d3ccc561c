// The Pipedrive connector: persons by email, their organization and open deals, logging an
// email as a Note (Pipedrive's Mailbox API is read-only) and reading notes back with the
// idempotency key Mailbridge wrote into them, so the outbox can tell "logged" from "lost".
// Auth is the personal API token: Pipedrive's OAuth needs the client secret at the token
// endpoint and a callback server, which a desktop app cannot keep.
// Reference: Pipedrive's OpenAPI descriptions, read in their unmodified mirror
// github.com/juhokoskela/pipedrive-go: openapi/upstream/v2.yaml (persons, organizations, deals,
// stages, personFields, search) and openapi/upstream/v1.yaml (notes, users).
import type { PipedriveConfig } from '../../platform/profile-config.ts';
import type {
  CrmCompany, CrmConnector, CrmContact, CrmDeal, EmailActivity, EmailAssociations, LoggedEmail, NewContact,
} from '../types.ts';
import { CrmError } from '../types.ts';
import { PipedriveHttp } from './pipedrive-http.ts';
import {
  firstValue, link, pipedriveId, readTime, soft, websiteDomain, type Deal, type Note, type Organization, type Person,
} from './pipedrive-records.ts';
import { noteContent, noteTime, readNote } from './pipedrive-note.ts';
import { LIST_FROM_ADDRESSES, PersonMatcher } from './pipedrive-person-match.ts';
import { PipedriveReads } from './pipedrive-reads.ts';

export { IDS_BATCH } from './pipedrive-reads.ts';

export interface PipedriveConnectorOptions {
  /** The personal API token (Settings › Personal preferences › API). Never logged, never in a URL. */
  apiToken: string;
  /** API root without /api/v1, default https://api.pipedrive.com (an emulator's URL in tests). */
  baseUrl?: string;
  /** Default: Node's global fetch (undici, which honours NODE_EXTRA_CA_CERTS). */
  fetch?: typeof globalThis.fetch;
  /** Per-request deadline in ms, default 30,000. */
  timeoutMs?: number;
  /**
   * Requests per rolling 2 s, default 19: Pipedrive's 20 (api_token on the lowest plan;
   * 40/80/100/120 above) less one, with a 50 ms wider window, since requests paced when sent
   * can arrive bunched (92.7 % of the limit).
   */
  requestsPer2Seconds?: number;
  /** Search API requests per rolling 2 s, default 9: Pipedrive's 10 (every plan) less a margin. */
  searchRequestsPer2Seconds?: number;
  /** Attempts per read counting the first, default 3. Writes get one. */
  readAttempts?: number;
  /** Longest 429 wait a read sits out before giving up with CrmRateLimitError, ms; default 15,000. */
  maxRetryWaitMs?: number;
  /**
   * Addresses from which findContactsByEmail may page through the person list instead of
   * searching each one (pipedrive-person-match.ts); default LIST_FROM_ADDRESSES (10), Infinity = always search.
   */
  listFromAddresses?: number;
}

/** Notes per v1 GET /notes page (the reference states no maximum). */
const NOTES_PAGE = 100;

export class PipedriveConnector implements CrmConnector {
  readonly crm = 'pipedrive';
  /** A whole matching pass in one call: the person list is read once for all of it, not once per 100 addresses. */
  readonly matchBatchSize = 5_000;
  readonly #http: PipedriveHttp;
  readonly #matcher: PersonMatcher;
  readonly #reads: PipedriveReads;

  constructor(options: PipedriveConnectorOptions) {
    this.#http = new PipedriveHttp({
      apiToken: options.apiToken,
      baseUrl: (options.baseUrl ?? 'https://api.pipedrive.com').replace(/\/+$/, ''),
      fetch: options.fetch ?? globalThis.fetch,
      requestsPer2Seconds: options.requestsPer2Seconds ?? 19,
      searchRequestsPer2Seconds: options.searchRequestsPer2Seconds ?? 9,
      timeoutMs: options.timeoutMs ?? 30_000,
      readAttempts: options.readAttempts ?? 3,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 15_000,
    });
    this.#matcher = new PersonMatcher(this.#http, options.listFromAddresses ?? LIST_FROM_ADDRESSES);
    this.#reads = new PipedriveReads(this.#http);
  }

  /** Requests sent, read retries and 429s seen so far. */
  get stats(): { requests: number; retries: number; rateLimited: number } {
    return { ...this.#http.stats };
  }

  /**
   * GET /api/v1/users/me → accountLabel = the company domain (`<domain>.pipedrive.com`), else the
   * company id, else "Pipedrive". Throws CrmAuthError when the token is refused.
   */
  async verify(): Promise<{ accountLabel: string }> {
    const account = await this.#reads.account();
    return { accountLabel: account.domain ?? (account.companyId ? String(account.companyId) : 'Pipedrive') };
  }

  /**
   * The persons behind `emails`, found by PersonMatcher.match (pipedrive-person-match.ts): one
   * GET /api/v2/persons/search?term=<address>&fields=email&exact_match=true per address (20
   * tokens each, paced at the Search API's 10 per 2 s) for few addresses or a CRM too large to
   * list, else GET /api/v2/persons?limit=500 pages (10 tokens each) matched locally. Then
   * GET /api/v2/persons?ids=… for the search hits (job title, phones, labels) and
   * GET /api/v2/organizations?ids=… for the listed persons' organization names, IDS_BATCH ids
   * a request, and, once per connector, GET /api/v1/users (owner names), GET /api/v2/personFields
   * (label names) and GET /api/v1/users/me (the company domain for links). Contacts come in the
   * order of `emails`, the same whichever way they were found. Addresses without "@" are
   * ignored; unknown ones are absent. lastActivityAt is null: v2 persons carry no last-activity
   * date (only an activity id). Throws CrmAuthError, CrmRateLimitError, CrmError, CrmUnreachableError.
   */
  async findContactsByEmail(emails: readonly string[]): Promise<CrmContact[]> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
    const { listed, searched } = await this.#matcher.match(wanted);
    if (!listed.size && !searched.size) return [];
    const [persons, orgs, users, labels, account] = await Promise.all([
      this.#reads.byIds<Person>('/api/v2/persons', [...searched.values()].map((item) => item.id)),
      this.#reads.byIds<Organization>('/api/v2/organizations', [...listed.values()].flatMap((p) => (p.org_id ? [p.org_id] : []))),
      soft(this.#reads.users(), new Map<number, string>()),
      soft(this.#reads.labels(), new Map<number, string>()),
      soft(this.#reads.account(), { domain: null, companyId: null }),
    ]);
    return wanted.flatMap((email): CrmContact[] => {
      const fromList = listed.get(email);
      const item = searched.get(email);
      if (!fromList && !item) return [];
      const person = fromList ?? persons.get(item!.id);
      const id = person?.id ?? item!.id;
      const ownerId = person?.owner_id ?? item?.owner?.id ?? null;
      const orgId = person ? person.org_id ?? null : item?.organization?.id ?? null;
      const company = fromList ? (orgId ? orgs.get(orgId)?.name : undefined) : item?.organization?.name;
      return [{
        crmContactId: String(id),
        email,
        name: (person?.name ?? item?.name ?? '').trim(),
        company: company ?? '',
        owner: ownerId ? users.get(ownerId) ?? String(ownerId) : '',
        title: person?.job_title ?? '',
        phone: firstValue(person?.phones) ?? item?.phones?.[0] ?? '',
        status: (person?.label_ids ?? []).map((label) => labels.get(label) ?? String(label)).join(', '),
        crmCompanyId: orgId ? String(orgId) : null,
        lastActivityAt: null,
        ...link(account, 'person', id),
      }];
    });
  }

  /**
   * POST /api/v1/notes with the email as HTML content (pipedrive-note.ts), add_time = the email's
   * time in UTC (whole seconds), and person_id, org_id, deal_id. A Pipedrive note links one
   * person, one organization and one deal, so the note takes the FIRST id of each list in
   * `associations`; further ids are not linked. Sent once, never retried here: on
   * CrmUnreachableError the note may exist, so check listLoggedEmails before sending again.
   * Throws CrmError (not retryable) without a contact or with an id that is not a Pipedrive id.
   */
  async logEmail(activity: EmailActivity, associations: EmailAssociations): Promise<{ crmActivityId: string }> {
    const personId = associations.contacts[0];
    if (!personId) throw new CrmError('an email must be associated with at least one contact', { retryable: false });
    const orgId = associations.companies?.[0];
    const dealId = associations.deals?.[0];
    const { data } = await this.#http.request<Note>({
      method: 'POST',
      path: '/api/v1/notes',
      body: {
        content: noteContent(activity),
        person_id: pipedriveId(personId),
        ...(orgId ? { org_id: pipedriveId(orgId) } : {}),
        ...(dealId ? { deal_id: pipedriveId(dealId) } : {}),
        add_time: noteTime(activity.timestamp),
      },
    });
    if (!data?.id) throw new CrmError('Pipedrive answered the note creation without an id', { retryable: false });
    return { crmActivityId: String(data.id) };
  }

  /**
   * GET /api/v1/notes?person_id=…&sort=add_time DESC (all pages, NOTES_PAGE per page): every
   * note on the person, with the key read back from the Mailbridge footer (null for notes
   * written elsewhere). Newest first by add_time (UTC), then id.
   */
  async listLoggedEmails(crmContactId: string): Promise<LoggedEmail[]> {
    const personId = pipedriveId(crmContactId);
    const emails: LoggedEmail[] = [];
    for (let start = 0; ;) {
      const query = new URLSearchParams({ person_id: String(personId), start: String(start), limit: String(NOTES_PAGE), sort: 'add_time DESC' });
      const { data, additional_data: extra } = await this.#http.request<Note[]>({ method: 'GET', path: `/api/v1/notes?${query}`, idempotent: true });
      for (const note of data ?? []) {
        if (note.active_flag === false) continue;
        const { subject, idempotencyKey } = readNote(note.content);
        emails.push({ crmActivityId: String(note.id), timestamp: readTime(note.add_time), subject, idempotencyKey });
      }
      const pagination = (extra?.pagination ?? null) as { more_items_in_collection?: boolean; next_start?: number } | null;
      if (!pagination?.more_items_in_collection || !(Number(pagination.next_start) > start)) break;
      start = Number(pagination.next_start);
    }
    return emails.sort((a, b) => b.timestamp - a.timestamp || Number(b.crmActivityId) - Number(a.crmActivityId));
  }

  /**
   * GET /api/v2/persons?ids=… for each person's org_id, then GET /api/v2/organizations?ids=…
   * for name and website (domain = the website's host, lower-cased, without "www."). Persons
   * without an organization, and unknown ids, are absent.
   */
  async companiesOf(crmContactIds: readonly string[]): Promise<Map<string, CrmCompany>> {
    const persons = await this.#reads.byIds<Person>('/api/v2/persons', crmContactIds.map(pipedriveId));
    const orgIds = [...persons.values()].flatMap((p) => (p.org_id ? [p.org_id] : []));
    const orgs = await this.#reads.byIds<Organization>('/api/v2/organizations', orgIds);
    const result = new Map<string, CrmCompany>();
    for (const [id, person] of persons) {
      const org = person.org_id ? orgs.get(person.org_id) : undefined;
      if (org) result.set(String(id), { crmCompanyId: String(org.id), name: org.name ?? '', domain: websiteDomain(org.website) });
    }
    return result;
  }

  /**
   * GET /api/v2/deals?person_id=…&status=open, newest first (sort_by=add_time desc, all pages):
   * the open deals whose contact person this is (Pipedrive's person_id filter; deals where the
   * person is only a participant are not listed). Stage names come from GET /api/v2/stages,
   * read once per connector; closeDate is expected_close_date at 00:00 UTC.
   */
  async openDealsOf(crmContactId: string): Promise<CrmDeal[]> {
    const query = { person_id: String(pipedriveId(crmContactId)), status: 'open', sort_by: 'add_time', sort_direction: 'desc' };
    const [deals, stages, account] = await Promise.all([
      this.#reads.all<Deal>('/api/v2/deals', query),
      soft(this.#reads.stages(), new Map<number, string>()),
      soft(this.#reads.account(), { domain: null, companyId: null }),
    ]);
    return deals.map((deal) => ({
      crmDealId: String(deal.id),
      name: deal.title ?? '',
      stage: deal.stage_id ? stages.get(deal.stage_id) ?? String(deal.stage_id) : '',
      amount: typeof deal.value === 'number' ? deal.value : null,
      closeDate: deal.expected_close_date ? readTime(deal.expected_close_date) || null : null,
      currency: deal.currency ?? null,
      ...link(account, 'deal', deal.id),
    }));
  }

  /**
   * Finds the organization by exact name (GET /api/v2/organizations/search, fields=name,
   * exact_match) or creates it (POST /api/v2/organizations), then POST /api/v2/persons with the
   * name (the address when the mail had none) and the address as primary work email. Sent once:
   * Pipedrive does not refuse a second person with the same address, so on CrmUnreachableError
   * look the address up before creating again. Throws CrmError (not retryable) for an address without "@".
   */
  async createContact(person: NewContact): Promise<CrmContact> {
    const email = person.email.trim().toLowerCase();
    if (!email.includes('@')) throw new CrmError(`not an email address: ${email}`, { retryable: false });
    const companyName = person.company.trim();
    const org = companyName ? await this.#findOrCreateOrganization(companyName) : null;
    const { data } = await this.#http.request<Person>({
      method: 'POST',
      path: '/api/v2/persons',
      body: {
        name: person.name.trim() || email,
        emails: [{ value: email, primary: true, label: 'work' }],
        ...(org ? { org_id: org.id } : {}),
      },
    });
    if (!data?.id) throw new CrmError('Pipedrive answered the person creation without an id', { retryable: false });
    const [users, account] = await Promise.all([soft(this.#reads.users(), new Map<number, string>()), soft(this.#reads.account(), { domain: null, companyId: null })]);
    return {
      crmContactId: String(data.id),
      email,
      name: data.name ?? '',
      company: org?.name ?? '',
      owner: data.owner_id ? users.get(data.owner_id) ?? String(data.owner_id) : '',
      title: data.job_title ?? '',
      phone: firstValue(data.phones) ?? '',
      status: '',
      crmCompanyId: data.org_id ? String(data.org_id) : null,
      lastActivityAt: null,
      ...link(account, 'person', data.id),
    };
  }

  async #findOrCreateOrganization(name: string): Promise<{ id: number; name: string }> {
    const query = new URLSearchParams({ term: name, fields: 'name', exact_match: 'true', limit: '10' });
    const { data } = await this.#http.request<{ items?: Array<{ item: { id: number; name?: string } }> }>({
      method: 'GET', path: `/api/v2/organizations/search?${query}`, search: true, idempotent: true,
    });
    const hit = (data?.items ?? []).map((i) => i.item).find((o) => o.name?.trim().toLowerCase() === name.toLowerCase());
    if (hit) return { id: hit.id, name: hit.name ?? name };
    const created = await this.#http.request<Organization>({ method: 'POST', path: '/api/v2/organizations', body: { name } });
    if (!created.data?.id) throw new CrmError('Pipedrive answered the organization creation without an id', { retryable: false });
    return { id: created.data.id, name: created.data.name ?? name };
  }
}

/** The CRM service's connector factory for the profile's Pipedrive endpoint and deadline. */
export function pipedriveConnectorFactory(config: PipedriveConfig): (apiToken: string) => PipedriveConnector {
  return (apiToken) =>
    new PipedriveConnector({
      apiToken,
      ...(config.apiUrl ? { baseUrl: config.apiUrl } : {}),
      ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
    });
}
