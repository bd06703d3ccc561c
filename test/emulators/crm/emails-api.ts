// Email engagement endpoints of the emulator: create with associations (validated like
// HubSpot: required hs_timestamp, enum values, known properties, email→contact type 198),
// get, batch read (200, or 207 with the missing ids), and the v4 contact→emails association list.
// Sources: developers.hubspot.com/docs/api/crm/email, …/crm/associations/associations-v4.
import type { ApiResult } from './api.ts';
import { notFound, validationError, type HubSpotErrorDetail } from './hubspot-errors.ts';
import { CONTACT_TO_EMAIL, EMAIL_TO_CONTACT, publicObject, selectProperties, type CrmRecord, type HubSpotStore } from './hubspot-store.ts';
import { pageParams, propertiesParam, readProperties, requireObject } from './request-input.ts';

export const BATCH_READ_LIMIT = 100;
const EMAIL_ALWAYS = ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];

/** The email engagement properties HubSpot documents (crm/email); others are rejected as HubSpot would. */
const EMAIL_PROPERTIES = new Set([
  'hs_timestamp', 'hubspot_owner_id', 'hs_email_direction', 'hs_email_html', 'hs_email_status',
  'hs_email_subject', 'hs_email_text', 'hs_attachment_ids', 'hs_email_headers',
]);
const EMAIL_DIRECTIONS = new Set(['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']);
const EMAIL_STATUSES = new Set(['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']);
const ASSOCIATION_CATEGORIES = new Set(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']);

/** hs_timestamp: ms since the epoch or an ISO 8601 / UTC datetime (crm/email). Stored as ISO, as HubSpot returns it. */
function readTimestamp(value: string): string | null {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function createEmail(store: HubSpotStore, input: unknown): ApiResult {
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

function emailBody(record: CrmRecord, requested: string[] | null): Record<string, unknown> {
  return publicObject(record, selectProperties(record, requested, EMAIL_ALWAYS, EMAIL_ALWAYS));
}

export function getEmail(store: HubSpotStore, id: string, query: URLSearchParams): ApiResult {
  const record = store.emails.get(id);
  if (!record) throw notFound();
  const body = emailBody(record, propertiesParam(query));
  if ((query.get('associations') ?? '').split(',').includes('contacts')) {
    body.associations = { contacts: { results: (store.emailContacts.get(id) ?? []).map((c) => ({ id: c, type: 'email_to_contact' })) } };
  }
  return { status: 200, body };
}

export function batchReadEmails(store: HubSpotStore, input: unknown): ApiResult {
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
    if (record) results.push(emailBody(record, requested));
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
export function listAssociationsV4(store: HubSpotStore, contactId: string, query: URLSearchParams): ApiResult {
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
