// The read patterns the HubSpot connector repeats: one record's associations to a type (all
// pages), many records' associations at once, and batch reads of records by id. Every call is
// an idempotent read (retried by HubSpotHttp); ids that vanished in between are skipped.
// Sources (GitHub HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/…):
//   Associations/Rollouts/130902/v4/associations.json — GET …/objects/{type}/{id}/associations/{to}
//     (CollectionResponseMultiAssociatedObjectWithLabelForwardPaging, pages of up to 500) and
//     POST …/associations/{from}/{to}/batch/read (BatchResponsePublicAssociationMultiWithLabel;
//     207 with an error for ids without associations);
//   {Companies,Deals,Emails}/Rollouts/424/v3/<name>.json — POST …/batch/read (up to 100 inputs; 207 for missing ids).
import type { CrmCompany, CrmDeal } from '../types.ts';
import type { HubSpotHttp } from './hubspot-http.ts';
import type { HubSpotObjectType, HubSpotPaths } from './hubspot-paths.ts';
import {
  COMPANY_PROPERTIES, DEAL_PROPERTIES, isOpenDeal, readTimestamp, toCrmCompany, toCrmDeal, type RecordLinks, type SimplePublicObject,
} from './hubspot-records.ts';

/** Ids per batch read (crm/objects batch endpoints take up to 100 inputs). */
export const BATCH_READ_SIZE = 100;
/** Association rows per page (associations v4 list: up to 500). */
const ASSOCIATION_PAGE = 500;
/** Inputs per association batch read; the API takes more, 100 keeps answers small. */
const ASSOCIATION_BATCH = 100;
/** HUBSPOT_DEFINED contact → company labelled "Primary" (279 is the unlabelled contact → company). */
export const CONTACT_TO_PRIMARY_COMPANY_TYPE_ID = 1;

/** One associated record and how it is associated (HUBSPOT_DEFINED type ids, labels such as "Primary"). */
export interface AssociatedRecord {
  id: string;
  types: Array<{ category: string; typeId: number; label: string | null }>;
}

interface MultiAssociatedObject {
  toObjectId: number | string;
  associationTypes?: Array<{ category: string; typeId: number; label?: string | null }>;
}

const toAssociated = (row: MultiAssociatedObject): AssociatedRecord => ({
  id: String(row.toObjectId),
  types: (row.associationTypes ?? []).map((t) => ({ category: t.category, typeId: t.typeId, label: t.label ?? null })),
});

/** Every record of type `to` associated with `from` `id`, in HubSpot's order (all pages). */
export async function associatedRecords(
  http: HubSpotHttp, paths: HubSpotPaths, from: HubSpotObjectType, id: string, to: HubSpotObjectType,
): Promise<AssociatedRecord[]> {
  const rows: AssociatedRecord[] = [];
  let after: string | undefined;
  do {
    const query = new URLSearchParams({ limit: String(ASSOCIATION_PAGE), ...(after ? { after } : {}) });
    const { body } = await http.request<{ results?: MultiAssociatedObject[]; paging?: { next?: { after: string } } }>({
      method: 'GET',
      path: paths.objectAssociations(from, id, to, query),
      idempotent: true,
    });
    for (const row of body.results ?? []) rows.push(toAssociated(row));
    after = body.paging?.next?.after;
  } while (after);
  return rows;
}

/**
 * The records of type `to` associated with each of `ids` (type `from`): id → rows. Ids without
 * any are absent. Only each id's first page (500 rows) is read: enough for a contact's companies.
 */
export async function batchAssociations(
  http: HubSpotHttp, paths: HubSpotPaths, from: HubSpotObjectType, to: HubSpotObjectType, ids: readonly string[],
): Promise<Map<string, AssociatedRecord[]>> {
  const found = new Map<string, AssociatedRecord[]>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += ASSOCIATION_BATCH) {
    const { body } = await http.request<{ results?: Array<{ from: { id: string }; to?: MultiAssociatedObject[] }> }>({
      method: 'POST',
      path: paths.associationsBatchRead(from, to),
      body: { inputs: unique.slice(i, i + ASSOCIATION_BATCH).map((id) => ({ id })) },
      idempotent: true,
    });
    for (const result of body.results ?? []) {
      const rows = (result.to ?? []).map(toAssociated);
      if (rows.length) found.set(String(result.from.id), rows);
    }
  }
  return found;
}

/** `ids` of `type` with `properties`, BATCH_READ_SIZE per request; records that no longer exist are absent. */
export async function batchRead(
  http: HubSpotHttp, paths: HubSpotPaths, type: HubSpotObjectType, ids: readonly string[], properties: readonly string[],
): Promise<SimplePublicObject[]> {
  const unique = [...new Set(ids)];
  const records: SimplePublicObject[] = [];
  for (let i = 0; i < unique.length; i += BATCH_READ_SIZE) {
    const { body } = await http.request<{ results?: SimplePublicObject[] }>({
      method: 'POST',
      path: paths.objectsBatchRead(type),
      body: { properties, inputs: unique.slice(i, i + BATCH_READ_SIZE).map((id) => ({ id })) },
      idempotent: true,
    });
    records.push(...(body.results ?? []));
  }
  return records;
}

/**
 * Each contact's primary company: the association batch read contacts → companies (the row
 * labelled Primary, type 1), then a companies batch read for name and domain. Contacts without
 * a primary company, or whose company is gone, are absent.
 */
export async function primaryCompanies(http: HubSpotHttp, paths: HubSpotPaths, contactIds: readonly string[]): Promise<Map<string, CrmCompany>> {
  const rows = await batchAssociations(http, paths, 'contacts', 'companies', contactIds);
  const primary = new Map<string, string>();
  for (const [contactId, companies] of rows) {
    const row = companies.find((c) => c.types.some((t) => t.category === 'HUBSPOT_DEFINED' && t.typeId === CONTACT_TO_PRIMARY_COMPANY_TYPE_ID));
    if (row) primary.set(contactId, row.id);
  }
  const records = await batchRead(http, paths, 'companies', [...new Set(primary.values())], COMPANY_PROPERTIES);
  const byId = new Map(records.map((r) => [String(r.id), toCrmCompany(r)]));
  const result = new Map<string, CrmCompany>();
  for (const [contactId, companyId] of primary) {
    const company = byId.get(companyId);
    if (company) result.set(contactId, company);
  }
  return result;
}

/**
 * A contact's open deals, newest first (createdate, then id): its deal associations (all pages),
 * a deals batch read, deals whose hs_is_closed is "true" left out, stages labelled by `stageLabels`
 * (asked only when there is an open deal).
 */
export async function openDeals(
  http: HubSpotHttp, paths: HubSpotPaths, contactId: string, stageLabels: () => Promise<ReadonlyMap<string, string>>, links: RecordLinks | null,
): Promise<CrmDeal[]> {
  const ids = (await associatedRecords(http, paths, 'contacts', contactId, 'deals')).map((r) => r.id);
  if (!ids.length) return [];
  const open = (await batchRead(http, paths, 'deals', ids, DEAL_PROPERTIES)).filter(isOpenDeal);
  if (!open.length) return [];
  const labels = await stageLabels();
  const created = (r: SimplePublicObject) => readTimestamp(r.properties.createdate) ?? 0;
  return open
    .sort((a, b) => created(b) - created(a) || compareIds(String(b.id), String(a.id)))
    .map((r) => toCrmDeal(r, labels, links));
}

/** Numeric ids as numbers (shorter is smaller), without parsing past 2^53. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
