// Company and deal endpoints of the emulator, and the batch read every object type shares:
// get, batch read (200, or 207 with the missing ids), company search and creation, and the
// deal pipelines.
// Sources (GitHub HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/…):
//   {Companies,Deals}/Rollouts/424/v3/<name>.json — SimplePublicObject, BatchReadInputSimplePublicObjectId,
//     BatchResponseSimplePublicObject(WithErrors), POST /crm/v3/objects/companies
//     (SimplePublicObjectInputForCreate → 201 SimplePublicObject); default properties: knowledge.hubspot.com/properties;
//   Pipelines/Rollouts/145896/v3/pipelines.json — GET /crm/v3/pipelines/{objectType}
//     (CollectionResponsePipelineNoPaging: Pipeline, PipelineStage with string metadata).
import type { ApiResult } from './api.ts';
import { readCreateAssociations } from './associations-api.ts';
import { searchRecords } from './contacts-api.ts';
import { notFound, validationError } from './hubspot-errors.ts';
import { ASSOCIATION_TYPE_IDS, DEAL_PIPELINES, publicObject, selectProperties, type CrmRecord, type HubSpotStore } from './hubspot-store.ts';
import { propertiesParam, readProperties, requireObject } from './request-input.ts';

export const BATCH_READ_LIMIT = 100;

/** What HubSpot returns without `properties`, and what it always adds. */
export const OBJECT_PROPERTIES = {
  companies: {
    always: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    defaults: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  },
  deals: {
    always: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    defaults: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
  },
} as const;

/** POST …/{type}/batch/read: `what` names the type in the 207 message (EMAIL, COMPANY, DEAL). */
export function batchReadObjects(
  records: ReadonlyMap<string, CrmRecord>, what: string, input: unknown, always: readonly string[], defaults: readonly string[],
): ApiResult {
  const body = requireObject(input, 'BatchReadInputSimplePublicObjectId');
  if (!Array.isArray(body.inputs)) throw validationError('Invalid input JSON: inputs is required');
  if (body.inputs.length > BATCH_READ_LIMIT) throw validationError(`Batch size ${body.inputs.length} exceeds the limit of ${BATCH_READ_LIMIT}`);
  const requested = Array.isArray(body.properties) ? body.properties.map(String) : null;
  const startedAt = new Date().toISOString();
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const item of body.inputs as Array<{ id?: unknown }>) {
    const id = String(item?.id ?? '');
    const record = records.get(id);
    if (record) results.push(publicObject(record, selectProperties(record, requested, always, defaults)));
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
        message: `Could not get some ${what} objects, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: missing },
      }],
      startedAt,
      completedAt,
    },
  };
}

export function batchRead(store: HubSpotStore, type: 'companies' | 'deals', input: unknown): ApiResult {
  const { always, defaults } = OBJECT_PROPERTIES[type];
  return batchReadObjects(store.records(type), type === 'companies' ? 'COMPANY' : 'DEAL', input, always, defaults);
}

export function getObject(store: HubSpotStore, type: 'companies' | 'deals', id: string, query: URLSearchParams): ApiResult {
  const record = store.records(type).get(id);
  if (!record) throw notFound();
  const { always, defaults } = OBJECT_PROPERTIES[type];
  return { status: 200, body: publicObject(record, selectProperties(record, propertiesParam(query), always, defaults)) };
}

export function searchCompanies(store: HubSpotStore, input: unknown): ApiResult {
  return searchRecords(store.companies.values(), input, OBJECT_PROPERTIES.companies.always, OBJECT_PROPERTIES.companies.defaults);
}

/** Association types a company may be created with: to a contact, unlabelled or as the contact's primary company. */
const COMPANY_CREATE_ASSOCIATIONS = {
  [ASSOCIATION_TYPE_IDS.companyToContact]: 'contacts',
  [ASSOCIATION_TYPE_IDS.companyToContactPrimary]: 'contacts',
} as const;

/**
 * POST /crm/v3/objects/companies {properties, associations}: 201 with the company and all its
 * stored properties (domain lower-cased, as HubSpot keeps it). HubSpot does not hold domains
 * unique, so a second company with the same domain is created too. An association of type 2
 * makes the company the contact's primary one (and sets its associatedcompanyid).
 */
export function createCompany(store: HubSpotStore, input: unknown): ApiResult {
  const body = requireObject(input, 'SimplePublicObjectInputForCreate');
  const properties = readProperties(body.properties);
  const associations = readCreateAssociations(store, body.associations, 'companies', COMPANY_CREATE_ASSOCIATIONS);
  const record = store.addCompany(properties);
  for (const a of associations) store.associateContactWithCompany(a.id, record.id, a.typeId === ASSOCIATION_TYPE_IDS.companyToContactPrimary);
  return { status: 201, body: publicObject(record, { ...record.properties }) };
}

/** The default pipelines are dated createdAt = 0, as the reference says of HubSpot's own. */
const EPOCH = new Date(0).toISOString();

/** GET /crm/v3/pipelines/{objectType}: the default sales pipeline for deals, none for tickets. */
export function listPipelines(objectType: string): ApiResult {
  if (objectType === 'tickets') return { status: 200, body: { results: [] } };
  if (objectType !== 'deals') throw validationError(`Unable to infer object type from: ${objectType}`);
  return {
    status: 200,
    body: {
      results: DEAL_PIPELINES.map((p, index) => ({
        id: p.id,
        label: p.label,
        displayOrder: index,
        createdAt: EPOCH,
        updatedAt: EPOCH,
        archived: false,
        stages: p.stages.map((s) => ({
          id: s.id,
          label: s.label,
          displayOrder: s.displayOrder,
          metadata: { isClosed: String(s.isClosed), probability: s.probability },
          createdAt: EPOCH,
          updatedAt: EPOCH,
          archived: false,
          writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
        })),
      })),
    },
  };
}
