// Every HubSpot API path the connector sends, built in one place. HubSpot now dates its APIs
// (2025-09, 2026-03, …: one version for objects, associations, owners, pipelines and account
// info alike) beside the numbered v3/v4 generation, and the two put the version in different
// places, so moving off /crm/v3 is HUBSPOT_API_VERSION and nothing else.
// Sources, read in GitHub HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/…:
//   CRM/{Contacts,Companies,Deals,Emails}/Rollouts/424/{v3,2026-03}/<name>.json  (/crm/v3/objects/… → /crm/objects/2026-03/…)
//   CRM/Associations/Rollouts/130902/{v4,2026-03}/associations.json           (/crm/v4/associations/… → /crm/associations/2026-03/…)
//   CRM/Crm Owners/Rollouts/146888/{v3,2026-03}/crmOwners.json                 (/crm/v3/owners → /crm/owners/2026-03)
//   CRM/Pipelines/Rollouts/145896/{v3,2026-03}/pipelines.json                  (/crm/v3/pipelines → /crm/pipelines/2026-03)
//   Account/Account Info/Rollouts/144923/{v3,2026-03}/accountInfo.json         (/account-info/v3 → /account-info/2026-03)
// The dated releases also change a few shapes (2026-03 associations: `toObjectId` is a string,
// v4 sends an integer); the connector reads ids with String() so both parse.

/** 'v3': the numbered generation (v3 objects, v4 associations). Or a dated release such as '2026-03'. */
export type HubSpotApiVersion = 'v3' | `${number}-${number}`;

/** The version the connector speaks. The emulator answers the numbered paths only. */
export const HUBSPOT_API_VERSION: HubSpotApiVersion = 'v3';

/** CRM object types by their API names. */
export type HubSpotObjectType = 'contacts' | 'companies' | 'deals' | 'emails';

export interface HubSpotPaths {
  readonly version: HubSpotApiVersion;
  /** GET: the account's portal id, time zone and UI domain. */
  accountDetails(): string;
  /** POST: create; GET with `?query`: list. */
  objects(type: HubSpotObjectType, query?: URLSearchParams): string;
  objectsSearch(type: HubSpotObjectType): string;
  objectsBatchRead(type: HubSpotObjectType): string;
  /** POST: the associations of many records to one type (BatchInputPublicFetchAssociationsBatchRequest). */
  associationsBatchRead(from: HubSpotObjectType, to: HubSpotObjectType): string;
  /** GET: one record's associations to one type, paged. */
  objectAssociations(type: HubSpotObjectType, id: string, to: HubSpotObjectType, query: URLSearchParams): string;
  owner(id: string): string;
  pipelines(type: 'deals'): string;
}

const segment = encodeURIComponent;
const withQuery = (path: string, query?: URLSearchParams) => (query && [...query].length ? `${path}?${query}` : path);

/** The paths of `version` (default HUBSPOT_API_VERSION), each with its leading slash and query. */
export function hubSpotPaths(version: HubSpotApiVersion = HUBSPOT_API_VERSION): HubSpotPaths {
  const numbered = version === 'v3';
  const objects = (type: string) => (numbered ? `/crm/v3/objects/${type}` : `/crm/objects/${version}/${type}`);
  return {
    version,
    accountDetails: () => `/account-info/${version}/details`,
    objects: (type, query) => withQuery(objects(type), query),
    objectsSearch: (type) => `${objects(type)}/search`,
    objectsBatchRead: (type) => `${objects(type)}/batch/read`,
    associationsBatchRead: (from, to) => (numbered ? `/crm/v4/associations/${from}/${to}/batch/read` : `/crm/associations/${version}/${from}/${to}/batch/read`),
    objectAssociations: (type, id, to, query) =>
      withQuery(`${numbered ? `/crm/v4/objects/${type}` : objects(type)}/${segment(id)}/associations/${to}`, query),
    owner: (id) => `${numbered ? '/crm/v3/owners' : `/crm/owners/${version}`}/${segment(id)}`,
    pipelines: (type) => (numbered ? `/crm/v3/pipelines/${type}` : `/crm/pipelines/${version}/${type}`),
  };
}
