// Contact endpoints of the emulator: create (unique email → 409, with company and deal
// associations), get (by id or email), list, and search with HubSpot's filter semantics
// (groups ORed, filters ANDed, IN/NOT_IN on lower-cased strings), shared with companies.
// Sources: developers.hubspot.com/docs/api/crm/contacts, …/crm/search.
import type { ApiResult } from './api.ts';
import { readCreateAssociations } from './associations-api.ts';
import { conflict, notFound, validationError } from './hubspot-errors.ts';
import { ASSOCIATION_TYPE_IDS, publicObject, selectProperties, type CrmRecord, type HubSpotStore } from './hubspot-store.ts';
import { pageParams, propertiesParam, readProperties, requireObject } from './request-input.ts';

/**
 * Search request caps: filter groups and filters as HubSpot's changelog of 2024-08 states (5 groups,
 * 10 filters per group, 25 in all), pages of up to 200, 10,000 results; the cap of 100 IN values
 * is the emulator's assumption (the reference states none), matching the connector's batches.
 */
export const SEARCH_LIMITS = { filterGroups: 5, filtersPerGroup: 10, filters: 25, pageSize: 200, inValues: 100, results: 10_000 };

const CONTACT_DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
const CONTACT_ALWAYS = ['hs_object_id', 'createdate', 'lastmodifieddate'];

/** Association types a contact may be created with: to a company (unlabelled, or Primary) and to a deal. */
const CONTACT_CREATE_ASSOCIATIONS = {
  [ASSOCIATION_TYPE_IDS.contactToCompany]: 'companies',
  [ASSOCIATION_TYPE_IDS.contactToCompanyPrimary]: 'companies',
  [ASSOCIATION_TYPE_IDS.contactToDeal]: 'deals',
} as const;

export function createContact(store: HubSpotStore, input: unknown): ApiResult {
  const body = requireObject(input, 'SimplePublicObjectInputForCreate');
  const properties = readProperties(body.properties);
  const associations = readCreateAssociations(store, body.associations, 'contacts', CONTACT_CREATE_ASSOCIATIONS);
  let record: CrmRecord;
  try {
    record = store.addContact(properties);
  } catch (error) {
    const existing = (error as { conflict?: string }).conflict;
    if (existing) throw conflict(`Contact already exists. Existing ID: ${existing}`);
    throw error;
  }
  for (const a of associations) {
    if (a.toType === 'deals') store.associateContactWithDeal(record.id, a.id);
    else store.associateContactWithCompany(record.id, a.id, a.typeId === ASSOCIATION_TYPE_IDS.contactToCompanyPrimary);
  }
  return { status: 201, body: publicObject(record, { ...record.properties }) };
}

export function listContacts(store: HubSpotStore, query: URLSearchParams): ApiResult {
  const { limit, offset } = pageParams(query, 100, 10);
  const requested = propertiesParam(query);
  const all = [...store.contacts.values()];
  const page = all.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      results: page.map((c) => publicObject(c, selectProperties(c, requested, CONTACT_ALWAYS, CONTACT_DEFAULT_PROPERTIES))),
      ...(offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
    },
  };
}

export function getContact(store: HubSpotStore, id: string, query: URLSearchParams): ApiResult {
  const record = query.get('idProperty') === 'email' ? store.contactByEmail(id) : store.contacts.get(id);
  if (!record) throw notFound();
  return { status: 200, body: publicObject(record, selectProperties(record, propertiesParam(query), CONTACT_ALWAYS, CONTACT_DEFAULT_PROPERTIES)) };
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: unknown;
  values?: unknown;
}

/** One filter against one record, with HubSpot's semantics for string properties. */
function matches(record: CrmRecord, filter: Filter): boolean {
  const actual = record.properties[filter.propertyName];
  switch (filter.operator) {
    case 'EQ':
      return actual !== undefined && actual.toLowerCase() === String(filter.value).toLowerCase();
    case 'NEQ':
      return actual === undefined || actual.toLowerCase() !== String(filter.value).toLowerCase();
    // The search guide: with IN/NOT_IN, string values must be lower-case to match.
    case 'IN':
      return actual !== undefined && (filter.values as unknown[]).map(String).includes(actual.toLowerCase());
    case 'NOT_IN':
      return actual === undefined || !(filter.values as unknown[]).map(String).includes(actual.toLowerCase());
    case 'HAS_PROPERTY':
      return actual !== undefined && actual !== '';
    case 'NOT_HAS_PROPERTY':
      return actual === undefined || actual === '';
    default:
      return false;
  }
}

const SUPPORTED_OPERATORS = new Set(['EQ', 'NEQ', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']);

function readFilterGroups(input: unknown): Filter[][] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw validationError('Invalid input JSON: filterGroups must be an array');
  if (input.length > SEARCH_LIMITS.filterGroups) {
    throw validationError(`There were ${input.length} filter groups, but the maximum is ${SEARCH_LIMITS.filterGroups}`);
  }
  let total = 0;
  const groups = input.map((group: unknown) => {
    const filters = (group as { filters?: unknown })?.filters;
    if (!Array.isArray(filters)) throw validationError('Invalid input JSON: each filter group needs a filters array');
    if (filters.length > SEARCH_LIMITS.filtersPerGroup) {
      throw validationError(`There were ${filters.length} filters in a group, but the maximum is ${SEARCH_LIMITS.filtersPerGroup}`);
    }
    total += filters.length;
    return filters.map((f: unknown) => {
      const filter = f as Filter;
      if (!filter || typeof filter.propertyName !== 'string' || typeof filter.operator !== 'string') {
        throw validationError('Invalid input JSON: a filter needs propertyName and operator');
      }
      if (!SUPPORTED_OPERATORS.has(filter.operator)) throw validationError(`Operator ${filter.operator} is not supported by the emulator`);
      if (filter.operator === 'IN' || filter.operator === 'NOT_IN') {
        if (!Array.isArray(filter.values) || filter.values.length === 0) throw validationError(`${filter.operator} needs a non-empty values array`);
        if (filter.values.length > SEARCH_LIMITS.inValues) {
          throw validationError(`There were ${filter.values.length} values in an ${filter.operator} filter, but the maximum is ${SEARCH_LIMITS.inValues}`);
        }
      } else if ((filter.operator === 'EQ' || filter.operator === 'NEQ') && (filter.value === undefined || filter.value === null)) {
        throw validationError(`${filter.operator} needs a value`);
      }
      return filter;
    });
  });
  if (total > SEARCH_LIMITS.filters) throw validationError(`There were ${total} filters, but the maximum is ${SEARCH_LIMITS.filters}`);
  return groups;
}

export function searchContacts(store: HubSpotStore, input: unknown): ApiResult {
  return searchRecords(store.contacts.values(), input, CONTACT_ALWAYS, CONTACT_DEFAULT_PROPERTIES);
}

/** POST …/search over `records`: HubSpot's filter semantics and paging, CollectionResponseWithTotal. */
export function searchRecords(records: Iterable<CrmRecord>, input: unknown, always: readonly string[], defaults: readonly string[]): ApiResult {
  const body = requireObject(input ?? {}, 'PublicObjectSearchRequest');
  const groups = readFilterGroups(body.filterGroups);
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMITS.pageSize) throw validationError(`limit must be between 1 and ${SEARCH_LIMITS.pageSize}`);
  const offset = body.after === undefined || body.after === null ? 0 : Number(body.after);
  if (!Number.isInteger(offset) || offset < 0) throw validationError('after must be a paging cursor from a previous page');
  if (offset + limit > SEARCH_LIMITS.results) throw validationError(`Search results are limited to ${SEARCH_LIMITS.results} records`);
  const requested = Array.isArray(body.properties) ? body.properties.map(String) : null;
  // Filter groups are ORed, filters within a group ANDed (crm/search).
  const hits = [...records].filter((c) => groups.length === 0 || groups.some((g) => g.every((f) => matches(c, f))));
  const page = hits.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      total: hits.length,
      results: page.map((c) => publicObject(c, selectProperties(c, requested, always, defaults))),
      ...(offset + limit < hits.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
    },
  };
}

