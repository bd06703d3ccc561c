// The HubSpot CRM v3/v4 endpoints the emulator answers, as pure functions over the store:
// routing, request validation in HubSpot's terms (400 VALIDATION_ERROR bodies) and the
// documented response shapes. Sources (developers.hubspot.com/docs/api/…):
//   crm/contacts, crm/search, crm/email, crm/owners, crm/associations/associations-v4,
//   settings/account-information-api.
import { conflict, notFound, validationError, type HubSpotErrorDetail } from './hubspot-errors.ts';
import { CONTACT_TO_EMAIL, EMAIL_TO_CONTACT, publicObject, selectProperties, type CrmRecord, type HubSpotStore } from './hubspot-store.ts';

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

/**
 * Search request caps: filter groups and filters as HubSpot's changelog of 2024-08 states (5 groups,
 * 10 filters per group, 25 in all), pages of up to 200, 10,000 results; the cap of 100 IN values
 * is the emulator's assumption (the reference states none), matching the connector's batches.
 */
export const SEARCH_LIMITS = { filterGroups: 5, filtersPerGroup: 10, filters: 25, pageSize: 200, inValues: 100, results: 10_000 };
export const BATCH_READ_LIMIT = 100;

const CONTACT_DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
const CONTACT_ALWAYS = ['hs_object_id', 'createdate', 'lastmodifieddate'];
const EMAIL_ALWAYS = ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];

/** The email engagement properties HubSpot documents (crm/email); others are rejected as HubSpot would. */
const EMAIL_PROPERTIES = new Set([
  'hs_timestamp', 'hubspot_owner_id', 'hs_email_direction', 'hs_email_html', 'hs_email_status',
  'hs_email_subject', 'hs_email_text', 'hs_attachment_ids', 'hs_email_headers',
]);
const EMAIL_DIRECTIONS = new Set(['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']);
const EMAIL_STATUSES = new Set(['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']);
const ASSOCIATION_CATEGORIES = new Set(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']);

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

function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw validationError(`Invalid input JSON: expected ${what} object`);
  return body as Record<string, unknown>;
}

/** Property values arrive as strings or numbers; HubSpot stores strings. null/'' clear a value. */
function readProperties(input: unknown): Record<string, string> {
  if (input === undefined) return {};
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw validationError('Invalid input JSON: properties must be an object');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw validationError(`Invalid input JSON: property ${name} must be a string`);
    }
    out[name] = String(value);
  }
  return out;
}

function propertiesParam(query: URLSearchParams): string[] | null {
  const values = query.getAll('properties').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length ? values : null;
}

function pageParams(query: URLSearchParams, max: number, fallback: number): { limit: number; offset: number } {
  const limit = query.has('limit') ? Number(query.get('limit')) : fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw validationError(`limit must be between 1 and ${max}`);
  const offset = query.has('after') ? Number(query.get('after')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw validationError('after must be a paging cursor from a previous page');
  return { limit, offset };
}

function createContact(store: HubSpotStore, input: unknown): ApiResult {
  const body = requireObject(input, 'SimplePublicObjectInputForCreate');
  const properties = readProperties(body.properties);
  try {
    const record = store.addContact(properties);
    return { status: 201, body: publicObject(record, { ...record.properties }) };
  } catch (error) {
    const existing = (error as { conflict?: string }).conflict;
    if (existing) throw conflict(`Contact already exists. Existing ID: ${existing}`);
    throw error;
  }
}

function listContacts(store: HubSpotStore, query: URLSearchParams): ApiResult {
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

function getContact(store: HubSpotStore, id: string, query: URLSearchParams): ApiResult {
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

function searchContacts(store: HubSpotStore, input: unknown): ApiResult {
  const body = requireObject(input ?? {}, 'PublicObjectSearchRequest');
  const groups = readFilterGroups(body.filterGroups);
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMITS.pageSize) throw validationError(`limit must be between 1 and ${SEARCH_LIMITS.pageSize}`);
  const offset = body.after === undefined || body.after === null ? 0 : Number(body.after);
  if (!Number.isInteger(offset) || offset < 0) throw validationError('after must be a paging cursor from a previous page');
  if (offset + limit > SEARCH_LIMITS.results) throw validationError(`Search results are limited to ${SEARCH_LIMITS.results} records`);
  const requested = Array.isArray(body.properties) ? body.properties.map(String) : null;
  // Filter groups are ORed, filters within a group ANDed (crm/search).
  const hits = [...store.contacts.values()].filter((c) => groups.length === 0 || groups.some((g) => g.every((f) => matches(c, f))));
  const page = hits.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      total: hits.length,
      results: page.map((c) => publicObject(c, selectProperties(c, requested, CONTACT_ALWAYS, CONTACT_DEFAULT_PROPERTIES))),
      ...(offset + limit < hits.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
    },
  };
}

/** hs_timestamp: ms since the epoch or an ISO 8601 / UTC datetime (crm/email). Stored as ISO, as HubSpot returns it. */
function readTimestamp(value: string): string | null {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function createEmail(store: HubSpotStore, input: unknown): ApiResult {
  const body = requireObject(input, 'SimplePublicObjectInputForCreate');
  const properties = readProperties(body.properties);
  const invalid: HubSpotErrorDetail[] = [];
  for (const name of Object.keys(properties)) {
    if (!EMAIL_PROPERTIES.has(name)) {
      invalid.push({ message: `Property "${name}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [name] } });
    }
  }
  if (properties.hs_timestamp === undefined) {
    invalid.push({ message: 'hs_timestamp is required', code: 'REQUIRED_FIELD', context: { propertyName: ['hs_timestamp'] } });
  } else {
    const iso = readTimestamp(properties.hs_timestamp);
    if (iso) properties.hs_timestamp = iso;
    else invalid.push({ message: `${properties.hs_timestamp} was not a valid long or ISO 8601 datetime`, code: 'INVALID_DATE', context: { propertyName: ['hs_timestamp'] } });
  }
  if (properties.hs_email_direction !== undefined && !EMAIL_DIRECTIONS.has(properties.hs_email_direction)) {
    invalid.push({ message: `${properties.hs_email_direction} was not one of the allowed options`, code: 'INVALID_OPTION', context: { propertyName: ['hs_email_direction'] } });
  }
  if (properties.hs_email_status !== undefined && !EMAIL_STATUSES.has(properties.hs_email_status)) {
    invalid.push({ message: `${properties.hs_email_status} was not one of the allowed options`, code: 'INVALID_OPTION', context: { propertyName: ['hs_email_status'] } });
  }
  if (properties.hs_email_headers !== undefined) {
    try {
      JSON.parse(properties.hs_email_headers);
    } catch {
      invalid.push({ message: 'hs_email_headers must be a JSON string', code: 'INVALID_JSON', context: { propertyName: ['hs_email_headers'] } });
    }
  }
  if (invalid.length) {
    throw validationError(`Property values were not valid: ${JSON.stringify(invalid.map((e) => ({ isValid: false, message: e.message, error: e.code, name: e.context?.propertyName?.[0] })))}`, invalid);
  }
  const contactIds = readAssociations(store, body.associations);
  const record = store.addEmail(properties, contactIds);
  return { status: 201, body: publicObject(record, { ...record.properties }) };
}

/** `associations: [{to: {id}, types: [{associationCategory, associationTypeId}]}]`; only email→contact (198) is modelled. */
function readAssociations(store: HubSpotStore, input: unknown): string[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw validationError('Invalid input JSON: associations must be an array');
  return input.map((a: unknown, index) => {
    const association = a as { to?: { id?: unknown }; types?: unknown };
    const id = association?.to?.id;
    if (typeof id !== 'string' && typeof id !== 'number') throw validationError(`associations[${index}].to.id is required`);
    if (!Array.isArray(association.types) || association.types.length === 0) throw validationError(`associations[${index}].types is required`);
    for (const t of association.types as Array<{ associationCategory?: unknown; associationTypeId?: unknown }>) {
      if (typeof t?.associationCategory !== 'string' || !ASSOCIATION_CATEGORIES.has(t.associationCategory)) {
        throw validationError(`associations[${index}].types: associationCategory must be one of HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED`);
      }
      if (typeof t.associationTypeId !== 'number' || !Number.isInteger(t.associationTypeId)) {
        throw validationError(`associations[${index}].types: associationTypeId must be an integer`);
      }
      if (t.associationCategory !== 'HUBSPOT_DEFINED' || t.associationTypeId !== EMAIL_TO_CONTACT) {
        throw validationError(`${t.associationCategory} ${t.associationTypeId} is not a valid association type between emails and contacts`);
      }
    }
    if (!store.contacts.has(String(id))) throw validationError(`One or more associations are invalid: contact ${String(id)} does not exist`);
    return String(id);
  });
}

function emailBody(store: HubSpotStore, record: CrmRecord, requested: string[] | null): Record<string, unknown> {
  return publicObject(record, selectProperties(record, requested, EMAIL_ALWAYS, EMAIL_ALWAYS));
}

function getEmail(store: HubSpotStore, id: string, query: URLSearchParams): ApiResult {
  const record = store.emails.get(id);
  if (!record) throw notFound();
  const body = emailBody(store, record, propertiesParam(query));
  if ((query.get('associations') ?? '').split(',').includes('contacts')) {
    body.associations = { contacts: { results: (store.emailContacts.get(id) ?? []).map((c) => ({ id: c, type: 'email_to_contact' })) } };
  }
  return { status: 200, body };
}

function batchReadEmails(store: HubSpotStore, input: unknown): ApiResult {
  const body = requireObject(input, 'BatchReadInputSimplePublicObjectId');
  if (!Array.isArray(body.inputs)) throw validationError('Invalid input JSON: inputs is required');
  if (body.inputs.length > BATCH_READ_LIMIT) throw validationError(`Batch size ${body.inputs.length} exceeds the limit of ${BATCH_READ_LIMIT}`);
  const requested = Array.isArray(body.properties) ? body.properties.map(String) : null;
  const startedAt = new Date().toISOString();
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const item of body.inputs as Array<{ id?: unknown }>) {
    const id = String(item?.id ?? '');
    const record = store.emails.get(id);
    if (record) results.push(emailBody(store, record, requested));
    else missing.push(id);
  }
  const completedAt = new Date().toISOString();
  if (!missing.length) return { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt } };
  // Partial success is 207 Multi-Status with the missing ids in `errors` (BatchResponseSimplePublicObjectWithErrors).
  return {
    status: 207,
    body: {
      status: 'COMPLETE',
      results,
      numErrors: 1,
      errors: [{
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some EMAIL objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: missing },
      }],
      startedAt,
      completedAt,
    },
  };
}

/** GET /crm/v4/objects/contacts/{id}/associations/emails: pages of up to 500 (default 500). */
function listAssociationsV4(store: HubSpotStore, contactId: string, query: URLSearchParams): ApiResult {
  const { limit, offset } = pageParams(query, 500, 500);
  const ids = store.contactEmails.get(contactId) ?? [];
  const page = ids.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      results: page.map((id) => ({ toObjectId: Number(id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: CONTACT_TO_EMAIL, label: null }] })),
      ...(offset + limit < ids.length ? { paging: { next: { after: String(offset + limit), link: null } } } : {}),
    },
  };
}
