// The Pipedrive endpoints the emulator answers, each with its token cost (the `x-token-cost`
// of the operation in openapi/upstream/v1.yaml / v2.yaml, github.com/juhokoskela/pipedrive-go)
// and whether it is one of the Search API endpoints with their own burst limit.
import {
  createOrganization, createPerson, getOrganization, getPerson, listOrganizations, listPersonFields, listPersons,
  searchOrganizations, searchPersons,
} from './persons-api.ts';
import type { PipedriveStore } from './pipedrive-store.ts';
import { createNote, getMe, getNote, getUser, listDeals, listNotes, listStages, listUsers } from './records-api.ts';

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
  /** Stable route name for stats (e.g. "notes.create"). */
  name: string;
  /** Tokens the request takes from the daily budget. */
  cost: number;
  /** A Search API endpoint: also under the search burst limit. */
  search: boolean;
  /** Creates data: what the commit-then-drop fault applies to, and what x-daily-requests-left counts. */
  write: boolean;
  run: (store: PipedriveStore) => Promise<ApiResult>;
}

/** Finds the endpoint for a request; null = 404. */
export function route(req: ApiRequest): ApiRoute | null {
  const { method, query } = req;
  const [api, version, resource, id, ...rest] = req.segments;
  if (api !== 'api' || rest.length) return null;
  const r = (name: string, cost: number, run: ApiRoute['run'], flags: { search?: boolean; write?: boolean } = {}): ApiRoute =>
    ({ name, cost, run, search: Boolean(flags.search), write: Boolean(flags.write) });
  const body = () => req.body();

  if (version === 'v1') {
    if (resource === 'users' && method === 'GET') {
      if (id === 'me') return r('users.me', 2, async (s) => getMe(s));
      if (id === undefined) return r('users.list', 20, async (s) => listUsers(s));
      return r('users.get', 2, async (s) => getUser(s, id));
    }
    if (resource === 'notes') {
      if (method === 'POST' && id === undefined) return r('notes.create', 10, async (s) => createNote(s, await body()), { write: true });
      if (method === 'GET' && id === undefined) return r('notes.list', 20, async (s) => listNotes(s, query));
      if (method === 'GET') return r('notes.get', 2, async (s) => getNote(s, id!));
    }
    return null;
  }
  if (version !== 'v2') return null;
  if (resource === 'persons') {
    if (method === 'GET' && id === 'search') return r('persons.search', 20, async (s) => searchPersons(s, query), { search: true });
    if (method === 'GET' && id === undefined) return r('persons.list', 10, async (s) => listPersons(s, query));
    if (method === 'GET') return r('persons.get', 1, async (s) => getPerson(s, id!));
    if (method === 'POST' && id === undefined) return r('persons.create', 5, async (s) => createPerson(s, await body()), { write: true });
  }
  if (resource === 'organizations') {
    if (method === 'GET' && id === 'search') return r('organizations.search', 20, async (s) => searchOrganizations(s, query), { search: true });
    if (method === 'GET' && id === undefined) return r('organizations.list', 10, async (s) => listOrganizations(s, query));
    if (method === 'GET') return r('organizations.get', 1, async (s) => getOrganization(s, id!));
    if (method === 'POST' && id === undefined) return r('organizations.create', 5, async (s) => createOrganization(s, await body()), { write: true });
  }
  if (method === 'GET' && id === undefined) {
    if (resource === 'deals') return r('deals.list', 10, async (s) => listDeals(s, query));
    if (resource === 'stages') return r('stages.list', 5, async () => listStages(query));
    if (resource === 'personFields') return r('personFields.list', 10, async () => listPersonFields(query));
  }
  return null;
}
