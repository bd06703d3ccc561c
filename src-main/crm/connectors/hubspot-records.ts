// HubSpot records in Mailbridge's words: a contact's card (title, phone, lifecycle stage,
// primary company, last contact, link), a deal, a company, and the reverse for a new contact
// (a display name split into firstname/lastname, an association to create). Pure functions
// over SimplePublicObject.
// Property names: knowledge.hubspot.com/properties/hubspots-default-{contact,company,deal}-properties.
import type { CrmCompany, CrmContact, CrmDeal } from '../types.ts';

export interface SimplePublicObject {
  id: string;
  properties: Record<string, string | null>;
}

/**
 * The contact properties the card needs. Last activity is `notes_last_contacted` ("Last
 * contacted": the last call, sales email, meeting or other sales activity logged with the
 * contact, so the emails Mailbridge logs count) rather than `hs_last_sales_activity_timestamp`
 * ("Last engagement date": the contact's own opens, clicks and replies to HubSpot-tracked sales
 * email), which stays empty for mail sent outside HubSpot's tracking — most of what Mailbridge logs.
 * `associatedcompanyid` is the primary company's id, kept by HubSpot with the primary association.
 */
export const CONTACT_PROPERTIES = [
  'email', 'firstname', 'lastname', 'company', 'hubspot_owner_id',
  'jobtitle', 'phone', 'lifecyclestage', 'associatedcompanyid', 'notes_last_contacted',
] as const;

export const COMPANY_PROPERTIES = ['name', 'domain'] as const;

/** hs_is_closed is HubSpot's calculated "stage is closed won or closed lost" (from the stage's isClosed). */
export const DEAL_PROPERTIES = ['dealname', 'dealstage', 'pipeline', 'amount', 'closedate', 'hs_is_closed', 'deal_currency_code', 'createdate'] as const;

/** The default lifecycle stages' internal values and labels; a custom stage stays its value. */
const LIFECYCLE_LABELS: Record<string, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing Qualified Lead',
  salesqualifiedlead: 'Sales Qualified Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};

/** One entry of a create request's `associations` (PublicAssociationsForObject): to `id` with a HUBSPOT_DEFINED type. */
export function associationTo(id: string, associationTypeId: number): { to: { id: string }; types: Array<{ associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }> } {
  return { to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }] };
}

/** Record links in HubSpot's web app: https://<uiDomain>/contacts/<portalId>/record/<objectTypeId>/<id>. */
export interface RecordLinks {
  portalId: string;
  /** app.hubspot.com, or the account's data centre's (app-eu1.hubspot.com …) from the account details. */
  uiDomain: string;
}

/** Object type ids in record URLs: 0-1 contact, 0-2 company, 0-3 deal. */
export function recordUrl(links: RecordLinks, objectTypeId: '0-1' | '0-2' | '0-3', id: string): string {
  return `https://${links.uiDomain}/contacts/${encodeURIComponent(links.portalId)}/record/${objectTypeId}/${encodeURIComponent(id)}`;
}

/**
 * A contact as findContactsByEmail answers it. Card fields appear only when HubSpot holds a
 * value (title, phone, status, crmCompanyId, lastActivityAt), `url` only when the portal id is known.
 */
export function toCrmContact(record: SimplePublicObject, email: string, owner: string, links: RecordLinks | null): CrmContact {
  const p = record.properties;
  const contact: CrmContact = {
    crmContactId: String(record.id),
    email,
    name: [p.firstname, p.lastname].filter(Boolean).join(' ').trim(),
    company: p.company ?? '',
    owner,
  };
  if (p.jobtitle) contact.title = p.jobtitle;
  if (p.phone) contact.phone = p.phone;
  if (p.lifecyclestage) contact.status = LIFECYCLE_LABELS[p.lifecyclestage] ?? p.lifecyclestage;
  if (p.associatedcompanyid) contact.crmCompanyId = p.associatedcompanyid;
  const lastContacted = readTimestamp(p.notes_last_contacted);
  if (lastContacted !== null) contact.lastActivityAt = lastContacted;
  if (links) contact.url = recordUrl(links, '0-1', String(record.id));
  return contact;
}

export function toCrmCompany(record: SimplePublicObject): CrmCompany {
  const domain = record.properties.domain?.trim().toLowerCase();
  return { crmCompanyId: String(record.id), name: record.properties.name ?? '', domain: domain || null };
}

/** A deal; `stageLabels` maps stage ids to labels (the stage id stands when unknown). */
export function toCrmDeal(record: SimplePublicObject, stageLabels: ReadonlyMap<string, string>, links: RecordLinks | null): CrmDeal {
  const p = record.properties;
  const amount = p.amount ? Number(p.amount) : Number.NaN;
  const deal: CrmDeal = {
    crmDealId: String(record.id),
    name: p.dealname ?? '',
    stage: p.dealstage ? stageLabels.get(p.dealstage) ?? p.dealstage : '',
    amount: Number.isFinite(amount) ? amount : null,
    closeDate: readTimestamp(p.closedate),
    currency: p.deal_currency_code || null,
  };
  if (links) deal.url = recordUrl(links, '0-3', String(record.id));
  return deal;
}

/** hs_is_closed is 'true' for closed won and closed lost stages. */
export function isOpenDeal(record: SimplePublicObject): boolean {
  return record.properties.hs_is_closed !== 'true';
}

/** HubSpot datetimes come back as ISO 8601; older records may hold ms since the epoch. Null when absent or unreadable. */
export function readTimestamp(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A display name as firstname/lastname: "Dasovich, Jeff" → Jeff / Dasovich; "Mary Lynne Smith" → Mary / Lynne Smith. */
export function splitName(name: string): { firstname: string; lastname: string } {
  const cleaned = name.replace(/["']/g, '').trim();
  if (cleaned.includes('@')) return { firstname: '', lastname: '' };
  const comma = /^([^,]+),\s*(.+)$/.exec(cleaned);
  if (comma) return { firstname: comma[2]!.trim(), lastname: comma[1]!.trim() };
  const parts = cleaned.split(/\s+/).filter(Boolean);
  return { firstname: parts[0] ?? '', lastname: parts.slice(1).join(' ') };
}
