// HubSpot contacts by email and "Add to HubSpot": the IN searches that find contacts in
// batches, and creating a contact with its company — the company of the address's domain,
// else of the same name, else a new one — as its primary company.
// Sources (GitHub HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/…):
//   {Contacts,Companies}/Rollouts/424/v3/<name>.json — POST …/search (PublicObjectSearchRequest),
//     POST /crm/v3/objects/{contacts,companies} (SimplePublicObjectInputForCreate → 201 SimplePublicObject);
//   association type ids: developers.hubspot.com/docs/api/crm/associations/associations-v4
//   ("association type id values": contact → company 279, contact → primary company 1).
import { createLogger } from '../../platform/logger.ts';
import type { CrmCompany, CrmContact, NewContact } from '../types.ts';
import { CrmError } from '../types.ts';
import type { HubSpotHttp } from './hubspot-http.ts';
import type { HubSpotPaths } from './hubspot-paths.ts';
import { CONTACT_TO_PRIMARY_COMPANY_TYPE_ID } from './hubspot-reads.ts';
import {
  associationTo, COMPANY_PROPERTIES, CONTACT_PROPERTIES, splitName, toCrmCompany, toCrmContact, type RecordLinks, type SimplePublicObject,
} from './hubspot-records.ts';

const log = createLogger('crm.hubspot');

/**
 * Email addresses per search request. The search reference documents IN (`values: [...]`, string
 * values lower-cased) and pages of up to 200 results but states no cap on `values`; 100 keeps
 * every batch inside one page of results and inside the cap the emulator assumes.
 */
export const SEARCH_BATCH = 100;

/**
 * Free-mail domains: an address there says nothing of its holder's company, so it is neither
 * matched to nor given as a company domain (HubSpot's own automatic company creation skips
 * them too). The same list as the renderer's companyFromAddress prefill.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'aol.com',
  'gmx.com', 'proton.me', 'protonmail.com', 'fastmail.com',
]);

interface SearchResponse {
  total: number;
  results: SimplePublicObject[];
  paging?: { next?: { after: string } };
}

/**
 * POST /crm/v3/objects/contacts/search with `email IN [...]` (`emails` lower-cased, as IN
 * requires), SEARCH_BATCH addresses a request, all pages, with CONTACT_PROPERTIES. Resolves to
 * address → the first contact HubSpot gave for it; unknown addresses are absent.
 */
export async function searchContactsByEmail(http: HubSpotHttp, paths: HubSpotPaths, emails: readonly string[]): Promise<Map<string, SimplePublicObject>> {
  const batches: string[][] = [];
  for (let i = 0; i < emails.length; i += SEARCH_BATCH) batches.push(emails.slice(i, i + SEARCH_BATCH));
  const found = (await Promise.all(batches.map((batch) => searchBatch(http, paths, batch)))).flat();
  const byEmail = new Map<string, SimplePublicObject>();
  for (const record of found) {
    const email = record.properties.email?.toLowerCase();
    if (email && !byEmail.has(email)) byEmail.set(email, record);
  }
  return byEmail;
}

async function searchBatch(http: HubSpotHttp, paths: HubSpotPaths, batch: string[]): Promise<SimplePublicObject[]> {
  const results: SimplePublicObject[] = [];
  let after: string | undefined;
  do {
    const { body } = await http.request<SearchResponse>({
      method: 'POST',
      path: paths.objectsSearch('contacts'),
      body: {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: batch }] }],
        properties: CONTACT_PROPERTIES,
        limit: SEARCH_BATCH,
        ...(after ? { after } : {}),
      },
      search: true,
      idempotent: true,
    });
    results.push(...(body.results ?? []));
    after = body.paging?.next?.after;
  } while (after);
  return results;
}

/**
 * Creates the contact of `person` (see HubSpotConnector.createContact): its company found with
 * one POST /crm/v3/objects/companies/search (domain EQ the address's domain, unless free mail,
 * OR name EQ `company`), else — when `company` is given — created with POST
 * /crm/v3/objects/companies {name, domain unless free mail} before the contact, so HubSpot's
 * own "create and associate companies" setting finds it rather than making a second. Then POST
 * /crm/v3/objects/contacts with email, firstname/lastname, company, and the company as primary
 * (HUBSPOT_DEFINED 1). A 403 on the company creation (a token without
 * crm.objects.companies.write) creates the contact without a company; other failures throw
 * before the contact exists, and a retry finds the company made meanwhile. A 409 (the address
 * exists) resolves to `existing(email)`; a company made for it then stays, unassociated.
 * Throws CrmError (not retryable) for an address without a domain, and HubSpotHttp's errors.
 */
export async function createContactWithCompany(
  http: HubSpotHttp, paths: HubSpotPaths, person: NewContact, links: RecordLinks | null,
  existing: (email: string) => Promise<CrmContact | undefined>,
): Promise<CrmContact> {
  const email = person.email.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  const domain = at > 0 ? email.slice(at + 1) : '';
  if (!domain) throw new CrmError(`"${person.email}" is not an email address`, { retryable: false });
  const companyDomain = FREE_MAIL_DOMAINS.has(domain) ? null : domain;
  const name = person.company.trim();
  const company = await findCompany(http, paths, companyDomain, name) ?? (name ? await createCompany(http, paths, name, companyDomain) : null);
  const { firstname, lastname } = splitName(person.name);
  const properties: Record<string, string> = { email };
  if (firstname) properties.firstname = firstname;
  if (lastname) properties.lastname = lastname;
  const companyName = name || company?.name || '';
  if (companyName) properties.company = companyName;
  const { status, body } = await http.request<SimplePublicObject>({
    method: 'POST',
    path: paths.objects('contacts'),
    body: { properties, associations: company ? [associationTo(company.crmCompanyId, CONTACT_TO_PRIMARY_COMPANY_TYPE_ID)] : [] },
    acceptStatuses: [409],
  });
  if (status === 409) {
    const found = await existing(email);
    if (found) return found;
    throw new CrmError(`HubSpot says ${email} exists but it cannot be found`, { retryable: false });
  }
  if (!body?.id) throw new CrmError('HubSpot answered the contact creation without an id', { retryable: false });
  const contact = toCrmContact({ id: String(body.id), properties: { ...properties, ...body.properties } }, email, '', links);
  if (company) contact.crmCompanyId = company.crmCompanyId;
  return contact;
}

/** One company search, filter groups ORed: domain EQ (when given) or name EQ. Domain first, then name (case aside). */
async function findCompany(http: HubSpotHttp, paths: HubSpotPaths, domain: string | null, name: string): Promise<CrmCompany | null> {
  const filterGroups = [
    ...(domain ? [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: domain }] }] : []),
    ...(name ? [{ filters: [{ propertyName: 'name', operator: 'EQ', value: name }] }] : []),
  ];
  if (!filterGroups.length) return null;
  const { body } = await http.request<SearchResponse>({
    method: 'POST',
    path: paths.objectsSearch('companies'),
    body: { filterGroups, properties: COMPANY_PROPERTIES, limit: 10 },
    search: true,
    idempotent: true,
  });
  const companies = (body.results ?? []).map(toCrmCompany);
  return (domain ? companies.find((c) => c.domain === domain) : undefined)
    ?? (name ? companies.find((c) => c.name.trim().toLowerCase() === name.toLowerCase()) : undefined)
    ?? null;
}

/** POST /crm/v3/objects/companies; null on 403 (the token may not write companies). Sent once. */
async function createCompany(http: HubSpotHttp, paths: HubSpotPaths, name: string, domain: string | null): Promise<CrmCompany | null> {
  const { status, body } = await http.request<SimplePublicObject>({
    method: 'POST',
    path: paths.objects('companies'),
    body: { properties: { name, ...(domain ? { domain } : {}) }, associations: [] },
    acceptStatuses: [403],
  });
  if (status === 403) {
    log.warn('company not created: the token lacks crm.objects.companies.write; the contact is created without one');
    return null;
  }
  if (!body?.id) throw new CrmError('HubSpot answered the company creation without an id', { retryable: false });
  return toCrmCompany({ id: String(body.id), properties: { name, domain, ...body.properties } });
}
