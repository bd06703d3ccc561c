// Association endpoints of the emulator (associations v4): one record's associations to a
// type, paged; the batch read of many records' associations (207 with an error for ids that
// have none); and the `associations` array of a create request, validated as HubSpot does.
// Sources (GitHub HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/Associations/
// Rollouts/130902/v4/associations.json): BatchInputPublicFetchAssociationsBatchRequest,
// BatchResponsePublicAssociationMultiWithLabel, MultiAssociatedObjectWithLabel, AssociationSpecWithLabel;
// type ids: developers.hubspot.com/docs/api/crm/associations/associations-v4.
import type { ApiResult } from './api.ts';
import { validationError } from './hubspot-errors.ts';
import { CRM_OBJECT_TYPES, type AssociationType, type CrmObjectType, type HubSpotStore } from './hubspot-store.ts';
import { pageParams, requireObject } from './request-input.ts';

/** Inputs per association batch read. */
export const ASSOCIATION_BATCH_LIMIT = 1_000;
/** Associated records per page, in the list and per input of the batch read. */
const PAGE = 500;
const ASSOCIATION_CATEGORIES = new Set(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']);
const SINGULAR: Record<CrmObjectType, string> = { contacts: 'contact', companies: 'company', deals: 'deal', emails: 'email' };

/** An object type from a path segment; 400 as HubSpot answers an unknown one. */
export function objectType(segment: string): CrmObjectType {
  if ((CRM_OBJECT_TYPES as readonly string[]).includes(segment)) return segment as CrmObjectType;
  throw validationError(`Unable to infer object type from: ${segment}`);
}

const row = (id: string, types: AssociationType[]) => ({ toObjectId: Number(id), associationTypes: types });

/** GET /crm/v4/objects/{from}/{id}/associations/{to}: pages of up to 500 (default 500). */
export function listAssociations(store: HubSpotStore, from: CrmObjectType, id: string, to: CrmObjectType, query: URLSearchParams): ApiResult {
  const { limit, offset } = pageParams(query, PAGE, PAGE);
  const all = store.associations(from, id, to);
  const page = all.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      results: page.map((a) => row(a.id, a.types)),
      ...(offset + limit < all.length ? { paging: { next: { after: String(offset + limit), link: null } } } : {}),
    },
  };
}

/**
 * POST /crm/v4/associations/{from}/{to}/batch/read {inputs: [{id, after?}]}: 200 when every id
 * has associations, else 207 with one OBJECT_NOT_FOUND error per id that has none (or does not exist).
 */
export function batchReadAssociations(store: HubSpotStore, from: CrmObjectType, to: CrmObjectType, input: unknown): ApiResult {
  const body = requireObject(input, 'BatchInputPublicFetchAssociationsBatchRequest');
  if (!Array.isArray(body.inputs)) throw validationError('Invalid input JSON: inputs is required');
  if (body.inputs.length > ASSOCIATION_BATCH_LIMIT) throw validationError(`Batch size ${body.inputs.length} exceeds the limit of ${ASSOCIATION_BATCH_LIMIT}`);
  const startedAt = new Date().toISOString();
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const item of body.inputs as Array<{ id?: unknown; after?: unknown }>) {
    const id = String(item?.id ?? '');
    const offset = item?.after === undefined ? 0 : Number(item.after);
    if (!Number.isInteger(offset) || offset < 0) throw validationError('after must be a paging cursor from a previous page');
    const all = store.records(from).has(id) ? store.associations(from, id, to) : [];
    if (!all.length) {
      errors.push({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${id}.`,
        context: { fromObjectId: [id] },
        errors: [],
        links: {},
      });
      continue;
    }
    const page = all.slice(offset, offset + PAGE);
    results.push({
      from: { id },
      to: page.map((a) => row(a.id, a.types)),
      // The reference: "paging will only be present if there are more pages".
      ...(offset + PAGE < all.length ? { paging: { next: { after: String(offset + PAGE) } } } : {}),
    });
  }
  const completedAt = new Date().toISOString();
  if (!errors.length) return { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt } };
  return { status: 207, body: { status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt, completedAt } };
}

export interface CreateAssociation {
  toType: CrmObjectType;
  typeId: number;
  id: string;
}

/**
 * A create request's `associations: [{to: {id}, types: [{associationCategory, associationTypeId}]}]`:
 * each HUBSPOT_DEFINED type must be one `allowed` maps to an object type, and the target must
 * exist there — otherwise 400 VALIDATION_ERROR, and nothing is created.
 */
export function readCreateAssociations(
  store: HubSpotStore, input: unknown, from: CrmObjectType, allowed: Readonly<Record<number, CrmObjectType>>,
): CreateAssociation[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw validationError('Invalid input JSON: associations must be an array');
  return input.flatMap((a: unknown, index) => {
    const association = a as { to?: { id?: unknown }; types?: unknown };
    const id = association?.to?.id;
    if (typeof id !== 'string' && typeof id !== 'number') throw validationError(`associations[${index}].to.id is required`);
    if (!Array.isArray(association.types) || association.types.length === 0) throw validationError(`associations[${index}].types is required`);
    return (association.types as Array<{ associationCategory?: unknown; associationTypeId?: unknown }>).map((t) => {
      if (typeof t?.associationCategory !== 'string' || !ASSOCIATION_CATEGORIES.has(t.associationCategory)) {
        throw validationError(`associations[${index}].types: associationCategory must be one of HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED`);
      }
      if (typeof t.associationTypeId !== 'number' || !Number.isInteger(t.associationTypeId)) {
        throw validationError(`associations[${index}].types: associationTypeId must be an integer`);
      }
      const toType = t.associationCategory === 'HUBSPOT_DEFINED' ? allowed[t.associationTypeId] : undefined;
      if (!toType) throw validationError(`${t.associationCategory} ${t.associationTypeId} is not a valid association type from ${from}`);
      if (!store.records(toType).has(String(id))) {
        throw validationError(`One or more associations are invalid: ${SINGULAR[toType]} ${String(id)} does not exist`);
      }
      return { toType, typeId: t.associationTypeId, id: String(id) };
    });
  });
}
