// The HubSpot CRM v3/v4 endpoints the emulator answers: routing to pure functions over the
// store (contacts-api.ts, emails-api.ts), plus owners and account info. Validation speaks
// HubSpot's terms (400 VALIDATION_ERROR bodies) and answers use the documented shapes.
// Sources (developers.hubspot.com/docs/api/…): crm/owners, settings/account-information-api.
import { createContact, getContact, listContacts, searchContacts } from './contacts-api.ts';
import { batchReadEmails, createEmail, getEmail, listAssociationsV4 } from './emails-api.ts';
import { notFound } from './hubspot-errors.ts';
import type { HubSpotStore } from './hubspot-store.ts';

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
  run: (store: HubSpotStore) => Promise<ApiResult>;
}

/** Finds the endpoint for a request; null = 404. */
export function route(req: ApiRequest): ApiRoute | null {
  const { method, segments: s, query } = req;
  const path = s.join('/');
  const r = (name: string, run: ApiRoute['run'], flags: { search?: boolean; write?: boolean } = {}): ApiRoute =>
    ({ name, run, search: Boolean(flags.search), write: Boolean(flags.write) });

  if (method === 'GET' && path === 'account-info/v3/details') return r('accountInfo.details', async () => accountDetails());
  if (s[0] === 'crm' && s[1] === 'v3' && s[2] === 'owners') {
    if (method === 'GET' && s.length === 3) return r('owners.list', async (store) => ({ status: 200, body: { results: [...store.owners.values()].map(ownerBody) } }));
    if (method === 'GET' && s.length === 4) return r('owners.get', async (store) => getOwner(store, s[3]!));
  }
  if (s[0] === 'crm' && s[1] === 'v4' && s[2] === 'objects' && s[3] === 'contacts' && s[5] === 'associations' && s[6] === 'emails' && s.length === 7 && method === 'GET') {
    return r('associations.contactEmails', async (store) => listAssociationsV4(store, s[4]!, query));
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
        body: { results: (store.contactEmails.get(rest[0]!) ?? []).map((id) => ({ id, type: 'contact_to_email' })) },
      }));
    }
  }
  if (object === 'emails') {
    if (method === 'POST' && rest.length === 0) return r('emails.create', async (store) => createEmail(store, await req.body()), { write: true });
    if (method === 'POST' && rest.length === 2 && rest[0] === 'batch' && rest[1] === 'read') return r('emails.batchRead', async (store) => batchReadEmails(store, await req.body()));
    if (method === 'GET' && rest.length === 1) return r('emails.get', async (store) => getEmail(store, rest[0]!, query));
  }
  return null;
}

function accountDetails(): ApiResult {
  return {
    status: 200,
    body: {
      portalId: HUBSPOT_TEST_PORTAL_ID,
      accountType: 'STANDARD',
      timeZone: 'US/Eastern',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    },
  };
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

