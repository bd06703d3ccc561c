// Email engagement endpoints of the emulator: create with associations (validated like
// HubSpot: required hs_timestamp, enum values, known properties, and associations to contacts
// (198), companies (186) and deals (210) that exist), get, and batch read (objects-api.ts).
// Sources: developers.hubspot.com/docs/api/crm/email, …/crm/associations/associations-v4.
import type { ApiResult } from './api.ts';
import { readCreateAssociations } from './associations-api.ts';
import { notFound, validationError, type HubSpotErrorDetail } from './hubspot-errors.ts';
import { ASSOCIATION_TYPE_IDS, publicObject, selectProperties, type CrmRecord, type HubSpotStore } from './hubspot-store.ts';
import { batchReadObjects } from './objects-api.ts';
import { propertiesParam, readProperties, requireObject } from './request-input.ts';

export { BATCH_READ_LIMIT } from './objects-api.ts';
const EMAIL_ALWAYS = ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];

/** The email engagement properties HubSpot documents (crm/email); others are rejected as HubSpot would. */
const EMAIL_PROPERTIES = new Set([
  'hs_timestamp', 'hubspot_owner_id', 'hs_email_direction', 'hs_email_html', 'hs_email_status',
  'hs_email_subject', 'hs_email_text', 'hs_attachment_ids', 'hs_email_headers',
]);
const EMAIL_DIRECTIONS = new Set(['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']);
const EMAIL_STATUSES = new Set(['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']);
/** The association types an email may be created with, and the object each points at. */
const EMAIL_ASSOCIATIONS = {
  [ASSOCIATION_TYPE_IDS.emailToContact]: 'contacts',
  [ASSOCIATION_TYPE_IDS.emailToCompany]: 'companies',
  [ASSOCIATION_TYPE_IDS.emailToDeal]: 'deals',
} as const;

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
  const associations = readCreateAssociations(store, body.associations, 'emails', EMAIL_ASSOCIATIONS);
  const ids = (type: string) => [...new Set(associations.filter((a) => a.toType === type).map((a) => a.id))];
  const record = store.addEmail(properties, { contacts: ids('contacts'), companies: ids('companies'), deals: ids('deals') });
  return { status: 201, body: publicObject(record, { ...record.properties }) };
}

function emailBody(record: CrmRecord, requested: string[] | null): Record<string, unknown> {
  return publicObject(record, selectProperties(record, requested, EMAIL_ALWAYS, EMAIL_ALWAYS));
}

export function getEmail(store: HubSpotStore, id: string, query: URLSearchParams): ApiResult {
  const record = store.emails.get(id);
  if (!record) throw notFound();
  const body = emailBody(record, propertiesParam(query));
  if ((query.get('associations') ?? '').split(',').includes('contacts')) {
    body.associations = { contacts: { results: store.associations('emails', id, 'contacts').map((c) => ({ id: c.id, type: 'email_to_contact' })) } };
  }
  return { status: 200, body };
}

export function batchReadEmails(store: HubSpotStore, input: unknown): ApiResult {
  return batchReadObjects(store.emails, 'EMAIL', input, EMAIL_ALWAYS, EMAIL_ALWAYS);
}
