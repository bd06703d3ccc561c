// Persons and organizations (API v2): search, list (every person in cursor pages, or by ids),
// get, create, and the person fields that name the labels. Sources, in
// github.com/juhokoskela/pipedrive-go: openapi/upstream/v2.yaml paths /persons/search, /persons,
// /persons/{id}, /personFields, /organizations/search, /organizations, /organizations/{id}.
import { badRequest, notFound } from './pipedrive-errors.ts';
import {
  organizationBody, organizationSearchItem, PERSON_LABELS, personBody, personSearchItem, type PipedriveStore, type StoredPerson,
} from './pipedrive-store.ts';
import { boolParam, cursorPage, idsParam, intParam, optionalInt, optionalString, requireBody } from './request-input.ts';
import type { ApiResult } from './api.ts';

const PERSON_SEARCH_FIELDS = ['custom_fields', 'email', 'notes', 'phone', 'name'];
const ORG_SEARCH_FIELDS = ['address', 'custom_fields', 'notes', 'name'];

/** `term` and `fields` as the search endpoints check them: 2 characters at least, 1 with exact_match. */
function searchInput(query: URLSearchParams, allowed: readonly string[]): { term: string; fields: string[]; exact: boolean } {
  const term = (query.get('term') ?? '').trim();
  const exact = boolParam(query, 'exact_match');
  if (term.length < (exact ? 1 : 2)) throw badRequest('Search term must be at least 2 characters long (1 with exact_match)');
  const fields = (query.get('fields') ?? allowed.join(',')).split(',').map((f) => f.trim()).filter(Boolean);
  const bad = fields.filter((f) => !allowed.includes(f));
  if (bad.length || !fields.length) throw badRequest(`Invalid parameter fields: ${bad.join(', ') || '(empty)'}`);
  return { term: term.toLowerCase(), fields, exact };
}

/** 1 for an exact hit, 0.5 for a substring hit, 0 for none (exact_match: "not case sensitive"). */
function score(values: readonly string[], term: string, exact: boolean): number {
  const lower = values.map((v) => v.toLowerCase());
  if (lower.includes(term)) return 1;
  return !exact && lower.some((v) => v.includes(term)) ? 0.5 : 0;
}

function ranked<T extends { id: number }>(records: Iterable<T>, scoreOf: (r: T) => number): Array<[T, number]> {
  return [...records].map((r) => [r, scoreOf(r)] as [T, number]).filter(([, s]) => s > 0).sort(([a, x], [b, y]) => y - x || a.id - b.id);
}

export function searchPersons(store: PipedriveStore, query: URLSearchParams): ApiResult {
  const { term, fields, exact } = searchInput(query, PERSON_SEARCH_FIELDS);
  const orgId = intParam(query, 'organization_id');
  const hits = ranked([...store.persons.values()].filter((p) => orgId === null || p.orgId === orgId), (p) => Math.max(
    fields.includes('email') ? score(p.emails.map((e) => e.value), term, exact) : 0,
    fields.includes('name') ? score([p.name], term, exact) : 0,
    fields.includes('phone') ? score(p.phones.map((e) => e.value), term, exact) : 0,
  ));
  const { page, additional_data } = cursorPage(hits, query);
  return { status: 200, body: { success: true, data: { items: page.map(([p, s]) => personSearchItem(store, p, s)) }, additional_data } };
}

export function searchOrganizations(store: PipedriveStore, query: URLSearchParams): ApiResult {
  const { term, fields, exact } = searchInput(query, ORG_SEARCH_FIELDS);
  const hits = ranked(store.organizations.values(), (o) => (fields.includes('name') ? score([o.name], term, exact) : 0));
  const { page, additional_data } = cursorPage(hits, query);
  return { status: 200, body: { success: true, data: { items: page.map(([o, s]) => organizationSearchItem(o, s)) }, additional_data } };
}

const PERSON_SORT_KEYS = { id: (p: StoredPerson) => p.id, add_time: (p: StoredPerson) => p.addTime.getTime(), update_time: (p: StoredPerson) => p.updateTime.getTime() };

/**
 * GET /persons (getPersons): every person, or those of `ids` (up to 100), `org_id`, `owner_id`;
 * sorted by `sort_by` (id, update_time, add_time; default id) `sort_direction` (asc, desc;
 * default asc), ties by id; cursor pages of `limit` (default 100, at most 500), each person
 * with all its emails.
 */
export function listPersons(store: PipedriveStore, query: URLSearchParams): ApiResult {
  const ids = idsParam(query);
  const orgId = intParam(query, 'org_id');
  const ownerId = intParam(query, 'owner_id');
  const sortBy = query.get('sort_by') ?? 'id';
  const direction = query.get('sort_direction') ?? 'asc';
  if (!Object.hasOwn(PERSON_SORT_KEYS, sortBy)) throw badRequest(`Invalid parameter sort_by: must be one of ${Object.keys(PERSON_SORT_KEYS).join(', ')}`);
  if (direction !== 'asc' && direction !== 'desc') throw badRequest('Invalid parameter sort_direction: must be one of asc, desc');
  const key = PERSON_SORT_KEYS[sortBy as keyof typeof PERSON_SORT_KEYS];
  const sign = direction === 'asc' ? 1 : -1;
  const all = [...store.persons.values()]
    .filter((p) => (!ids || ids.includes(p.id)) && (orgId === null || p.orgId === orgId) && (ownerId === null || p.ownerId === ownerId))
    .sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
  const { page, additional_data } = cursorPage(all, query);
  return { status: 200, body: { success: true, data: page.map(personBody), additional_data } };
}

export function getPerson(store: PipedriveStore, id: string): ApiResult {
  const person = store.persons.get(Number(id));
  if (!person) throw notFound('Person not found');
  return { status: 200, body: { success: true, data: personBody(person) } };
}

function valueItems(input: unknown, name: string): Array<{ value: string; primary: boolean; label: string }> {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw badRequest(`Invalid field ${name}: expected an array`);
  const items = input.map((item: unknown) => {
    const i = item as { value?: unknown; primary?: unknown; label?: unknown };
    if (!i || typeof i !== 'object' || typeof i.value !== 'string' || (i.primary !== undefined && typeof i.primary !== 'boolean')
      || (i.label !== undefined && typeof i.label !== 'string')) {
      throw badRequest(`Invalid field ${name}: expected [{value, primary?, label?}]`);
    }
    return { value: i.value.trim(), primary: i.primary === true, label: (i.label as string | undefined) ?? 'work' };
  });
  if (items.length && !items.some((i) => i.primary)) items[0]!.primary = true;
  return items;
}

const PERSON_INPUT = ['name', 'owner_id', 'org_id', 'add_time', 'emails', 'phones', 'visible_to', 'label_ids', 'postal_address', 'notes', 'im', 'birthday', 'job_title', 'marketing_status', 'custom_fields'];

/** POST /persons. The reference marks no field required; the emulator, like the app, wants a name. */
export function createPerson(store: PipedriveStore, input: unknown): ApiResult {
  const body = requireBody(input, PERSON_INPUT);
  const name = optionalString(body, 'name')?.trim();
  if (!name) throw badRequest('Name must be given');
  const orgId = optionalInt(body, 'org_id');
  if (orgId !== null && !store.organizations.has(orgId)) throw badRequest(`Organization with id ${orgId} was not found`);
  const ownerId = optionalInt(body, 'owner_id');
  if (ownerId !== null && !store.users.has(ownerId)) throw badRequest(`User with id ${ownerId} was not found`);
  const labelIds = body.label_ids === undefined ? [] : body.label_ids;
  if (!Array.isArray(labelIds) || labelIds.some((id) => !PERSON_LABELS.some((l) => l.id === id))) throw badRequest('Invalid field label_ids');
  const person: StoredPerson = store.addPerson({
    name,
    ...(ownerId !== null ? { ownerId } : {}),
    orgId,
    emails: valueItems(body.emails, 'emails'),
    phones: valueItems(body.phones, 'phones'),
    labelIds: labelIds as number[],
    jobTitle: optionalString(body, 'job_title'),
  });
  return { status: 200, body: { success: true, data: personBody(person) } };
}

export function listOrganizations(store: PipedriveStore, query: URLSearchParams): ApiResult {
  const ids = idsParam(query);
  const all = [...store.organizations.values()].filter((o) => !ids || ids.includes(o.id)).sort((a, b) => a.id - b.id);
  const { page, additional_data } = cursorPage(all, query);
  return { status: 200, body: { success: true, data: page.map(organizationBody), additional_data } };
}

export function getOrganization(store: PipedriveStore, id: string): ApiResult {
  const org = store.organizations.get(Number(id));
  if (!org) throw notFound('Organization not found');
  return { status: 200, body: { success: true, data: organizationBody(org) } };
}

const ORG_INPUT = ['name', 'owner_id', 'add_time', 'visible_to', 'label_ids', 'address', 'website', 'linkedin', 'industry', 'annual_revenue', 'employee_count', 'custom_fields'];

/** POST /organizations: `name` is required (the reference's only required field). */
export function createOrganization(store: PipedriveStore, input: unknown): ApiResult {
  const body = requireBody(input, ORG_INPUT);
  const name = optionalString(body, 'name')?.trim();
  if (!name) throw badRequest('Name must be given');
  const org = store.addOrganization({ name, website: optionalString(body, 'website') });
  return { status: 200, body: { success: true, data: organizationBody(org) } };
}

/** GET /personFields: the standard fields, label_ids with the company's person labels as options. */
export function listPersonFields(query: URLSearchParams): ApiResult {
  const field = (field_name: string, field_code: string, field_type: string, options: unknown[] | null = null) => ({
    field_name, field_code, field_type, options, subfields: null, is_custom_field: false, is_optional_response_field: false,
  });
  const all = [
    field('Name', 'name', 'varchar'),
    field('Email', 'emails', 'varchar'),
    field('Phone', 'phones', 'phone'),
    field('Organization', 'org_id', 'org'),
    field('Owner', 'owner_id', 'user'),
    field('Job title', 'job_title', 'varchar'),
    field('Labels', 'label_ids', 'set', PERSON_LABELS.map((l) => ({ id: l.id, label: l.label, color: l.color, update_time: null, add_time: null }))),
  ];
  const { page, additional_data } = cursorPage(all, query);
  return { status: 200, body: { success: true, data: page, additional_data } };
}
