// The HubSpot CRM v3/v4 endpoints the emulator answers: routing to pure functions over the
// store (contacts-api.ts, emails-api.ts, objects-api.ts, associations-api.ts), plus owners and
// account info. Validation speaks HubSpot's terms (400 VALIDATION_ERROR bodies) and answers
// use the documented shapes. Only the numbered paths (/crm/v3, /crm/v4) are routed, not the
// dated ones (/crm/objects/2026-03/…).
// Sources (developers.hubspot.com/docs/api/…): crm/owners, settings/account-information-api.
import { batchReadAssociations, listAssociations, objectType } from './associations-api.ts';
import { createContact, getContact, listContacts, searchContacts } from './contacts-api.ts';
import { batchReadEmails, createEmail, getEmail } from './emails-api.ts';
import { notFound } from './hubspot-errors.ts';
import type { CrmObjectType, HubSpotStore } from './hubspot-store.ts';
import { batchRead, createCompany, getObject, listPipelines, searchCompanies } from './objects-api.ts';

export interface ApiRequest {
  method: string;
  /** Path segments after the host, URI-decoded. */
  segments: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

export interface ApiRoute {
  /** Stable route name for stats (e.g. "emails.create"). */
  name: string;
  /** Counts against the search limit (5 requests per second) as well. */
  search: boolean;
  /** Creates data: what dropResponseAfterCommit applies to. */
  write: boolean;
  /** The private-app scope the endpoint needs beyond the read scopes every test token has (403 MISSING_SCOPES without it). */
  scope?: string;
  run: (store: HubSpotStore) => Promise<ApiResult>;
}

/** What route() needs of the emulator beyond the request: the account's time zone for the details. */
export interface RouteContext {
  timeZone: string;
}

const SINGULAR: Record<CrmObjectType, string> = { contacts: 'contact', companies: 'company', deals: 'deal', emails: 'email' };
/** Stats names of association lists: associations.contactEmails, associations.contactDeals, … */
const listName = (from: CrmObjectType, to: CrmObjectType) => `associations.${SINGULAR[from]}${to[0]!.toUpperCase()}${to.slice(1)}`;

/** Finds the endpoint for a request; null = 404. */
export function route(req: ApiRequest, context: RouteContext = { timeZone: 'US/Eastern' }): ApiRoute | null {
  const { method, segments: s, query } = req;
  const path = s.join('/');
  const r = (name: string, run: ApiRoute['run'], flags: { search?: boolean; write?: boolean; scope?: string } = {}): ApiRoute =>
    ({ name, run, search: Boolean(flags.search), write: Boolean(flags.write), ...(flags.scope ? { scope: flags.scope } : {}) });

  if (method === 'GET' && path === 'account-info/v3/details') return r('accountInfo.details', async () => accountDetails(context.timeZone));
  if (s[0] === 'crm' && s[1] === 'v3' && s[2] === 'owners') {
    if (method === 'GET' && s.length === 3) return r('owners.list', async (store) => ({ status: 200, body: { results: [...store.owners.values()].map(ownerBody) } }));
    if (method === 'GET' && s.length === 4) return r('owners.get', async (store) => getOwner(store, s[3]!));
  }
  if (s[0] === 'crm' && s[1] === 'v3' && s[2] === 'pipelines' && s.length === 4 && method === 'GET') {
    return r('pipelines.list', async () => listPipelines(s[3]!));
  }
  if (s[0] === 'crm' && s[1] === 'v4' && s[2] === 'objects' && s[5] === 'associations' && s.length === 7 && method === 'GET') {
    const from = s[3]!;
    const to = s[6]!;
    const known = (t: string): t is CrmObjectType => ['contacts', 'companies', 'deals', 'emails'].includes(t);
    return r(known(from) && known(to) ? listName(from, to) : 'associations.list',
      async (store) => listAssociations(store, objectType(from), s[4]!, objectType(to), query));
  }
  if (s[0] === 'crm' && s[1] === 'v4' && s[2] === 'associations' && s[5] === 'batch' && s[6] === 'read' && s.length === 7 && method === 'POST') {
    return r('associations.batchRead', async (store) => batchReadAssociations(store, objectType(s[3]!), objectType(s[4]!), await req.body()));
  }
  if (s[0] !== 'crm' || s[1] !== 'v3' || s[2] !== 'objects') return null;
  const object = s[3];
  const rest = s.slice(4);
  if (object === 'contacts') {
    if (method === 'POST' && rest.length === 0) return r('contacts.create', async (store) => createContact(store, await req.body()), { write: true });
    if (method === 'GET' && rest.length === 0) return r('contacts.list', async (store) => listContacts(store, query));
    if (method === 'POST' && rest.length === 1 && rest[0] === 'search') return r('contacts.search', async (store) => searchContacts(store, await req.body()), { search: true });
    if (method === 'GET' && rest.length === 1) return r('contacts.get', async (store) => getContact(store, rest[0]!, query));
    if (method === 'GET' && rest.length === 3 && rest[1] === 'associations' && rest[2] === 'emails') {
      return r('associations.contactEmailsV3', async (store) => ({
        status: 200,
        body: { results: store.associations('contacts', rest[0]!, 'emails').map((a) => ({ id: a.id, type: 'contact_to_email' })) },
      }));
    }
  }
  if (object === 'emails') {
    if (method === 'POST' && rest.length === 0) return r('emails.create', async (store) => createEmail(store, await req.body()), { write: true });
    if (method === 'POST' && rest.length === 2 && rest[0] === 'batch' && rest[1] === 'read') return r('emails.batchRead', async (store) => batchReadEmails(store, await req.body()));
    if (method === 'GET' && rest.length === 1) return r('emails.get', async (store) => getEmail(store, rest[0]!, query));
  }
  if (object === 'companies' && method === 'POST' && rest.length === 0) {
    return r('companies.create', async (store) => createCompany(store, await req.body()), { write: true, scope: 'crm.objects.companies.write' });
  }
  if (object === 'companies' || object === 'deals') {
    if (method === 'POST' && rest.length === 2 && rest[0] === 'batch' && rest[1] === 'read') return r(`${object}.batchRead`, async (store) => batchRead(store, object, await req.body()));
    if (method === 'POST' && rest.length === 1 && rest[0] === 'search' && object === 'companies') {
      return r('companies.search', async (store) => searchCompanies(store, await req.body()), { search: true });
    }
    if (method === 'GET' && rest.length === 1) return r(`${object}.get`, async (store) => getObject(store, object, rest[0]!, query));
  }
  return null;
}

/** GET /account-info/v3/details (PortalInformationResponse), the offset as `timeZone` has it now. */
function accountDetails(timeZone: string): ApiResult {
  const offsetMs = utcOffsetMs(timeZone, Date.now());
  const minutes = Math.abs(offsetMs) / 60_000;
  const utcOffset = `${offsetMs < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return {
    status: 200,
    body: {
      portalId: HUBSPOT_TEST_PORTAL_ID,
      accountType: 'STANDARD',
      timeZone,
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset,
      utcOffsetMilliseconds: offsetMs,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    },
  };
}

/** The zone's offset from UTC at `at`, whole minutes, ms. */
function utcOffsetMs(timeZone: string, at: number): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  }).formatToParts(at).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return wall - Math.floor(at / 60_000) * 60_000;
}

/** The emulated account's portal (hub) id. */
export const HUBSPOT_TEST_PORTAL_ID = 4_200_042;

const OWNER_TIME = '2024-01-02T09:00:00.000Z';

function ownerBody(owner: { id: string; email: string; firstName: string; lastName: string; userId: number }): Record<string, unknown> {
  return { ...owner, createdAt: OWNER_TIME, updatedAt: OWNER_TIME, archived: false, teams: [] };
}

function getOwner(store: HubSpotStore, id: string): ApiResult {
  const owner = store.owners.get(id);
  if (!owner) throw notFound(`Owner ${id} not found`);
  return { status: 200, body: ownerBody(owner) };
}

