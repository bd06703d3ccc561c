// The Salesforce records the connector reads, as SOQL returns them, and their mapping onto
// the connector's types: a Contact or an unconverted Lead as a CrmContact, an Opportunity as
// a CrmDeal, an Account's Website as a domain. Links are Lightning record pages.
// Reference: developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
// (Contact, Lead, Opportunity, Account).
import type { CrmContact, CrmDeal } from '../types.ts';
import { dateMs } from './salesforce-email-log.ts';

interface Attributes {
  attributes?: { type?: string };
}

export interface ContactRow extends Attributes {
  Id: string;
  Email: string | null;
  Name: string | null;
  Title: string | null;
  Phone: string | null;
  AccountId?: string | null;
  Account?: { Name: string | null } | null;
  Company?: string | null;
  Status?: string | null;
  Owner?: { Name: string | null } | null;
  LastActivityDate: string | null;
}

export interface OpportunityRow {
  Id: string;
  Name: string | null;
  StageName: string | null;
  Amount: number | null;
  CloseDate: string | null;
  CreatedDate: string | null;
}

export const CONTACT_FIELDS = 'Id, Email, Name, Title, Phone, AccountId, Account.Name, Owner.Name, LastActivityDate';
export const LEAD_FIELDS = 'Id, Email, Name, Company, Title, Phone, Status, Owner.Name, LastActivityDate';
export const OPPORTUNITY_FIELDS = 'Id, Name, StageName, Amount, CloseDate, CreatedDate';

/** A Website value → lower-cased host without www.; null when none. */
export function domainOf(website: string | null | undefined): string | null {
  const raw = website?.trim();
  if (!raw) return null;
  try {
    return new URL(/^[a-z][\w+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** A Contact or Lead row as a CrmContact; `instanceUrl` is the org's (its record page link). */
export function toCrmContact(row: ContactRow, kind: 'contact' | 'lead', instanceUrl: string): CrmContact {
  const type = kind === 'lead' ? 'Lead' : 'Contact';
  return {
    crmContactId: row.Id,
    email: (row.Email ?? '').toLowerCase(),
    name: row.Name ?? '',
    company: (kind === 'lead' ? row.Company : row.Account?.Name) ?? '',
    owner: row.Owner?.Name ?? '',
    kind,
    title: row.Title ?? '',
    phone: row.Phone ?? '',
    ...(kind === 'lead' ? { status: row.Status ?? '' } : {}),
    crmCompanyId: kind === 'lead' ? null : row.AccountId ?? null,
    lastActivityAt: dateMs(row.LastActivityDate),
    url: `${instanceUrl}/lightning/r/${type}/${row.Id}/view`,
  };
}

/** An Opportunity row as a CrmDeal. */
export function toCrmDeal(row: OpportunityRow, instanceUrl: string): CrmDeal {
  return {
    crmDealId: row.Id,
    name: row.Name ?? '',
    stage: row.StageName ?? '',
    amount: typeof row.Amount === 'number' ? row.Amount : null,
    closeDate: dateMs(row.CloseDate),
    url: `${instanceUrl}/lightning/r/Opportunity/${row.Id}/view`,
  };
}
