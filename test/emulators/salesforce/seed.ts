// Builds a believable Salesforce org from a real mailbox: the people a rep corresponds with
// most become Contacts under an Account per company (a few stay unconverted Leads), and
// some accounts have open and closed Opportunities with the contacts in OpportunityContactRoles,
// so tests match real mail against real-looking records instead of hand-made fixtures.
import { seedContactsFromMailbox, type SeedOptions } from '../crm/seed.ts';
import { HUBSPOT_TEST_OWNERS } from '../crm/hubspot-store.ts';
import type { SalesforceStore, SfRecord } from './salesforce-store.ts';

export interface SeedPerson {
  email: string;
  FirstName?: string;
  LastName: string;
  Title?: string | null;
  Phone?: string | null;
  /** Index into SeedOrg.users; absent = owned by the API user. */
  owner?: number;
  LastActivityDate?: string | null;
}

export interface SeedOrg {
  users: Array<{ FirstName: string; LastName: string; Email: string }>;
  accounts: Array<{ Name: string; Website: string; owner?: number }>;
  /** `account` indexes SeedOrg.accounts. */
  contacts: Array<SeedPerson & { account?: number }>;
  leads: Array<SeedPerson & { Company: string; Status: string; IsConverted?: boolean }>;
  /** `contacts` are emails of seeded contacts given OpportunityContactRoles (the first is primary). */
  opportunities: Array<{ Name: string; account: number; StageName: string; Amount: number | null; CloseDate: string; contacts: string[] }>;
}

const TITLES = ['Director, Regulatory Affairs', 'Vice President, Government Relations', 'Senior Counsel', 'Analyst', 'Manager, Energy Procurement'];
const OPEN_STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review'];

export interface SalesforceSeedOptions extends SeedOptions {
  /** Every `leadEvery`-th person (by rank, from the 4th) stays a Lead; default 5. */
  leadEvery?: number;
}

/**
 * The `count` most frequent external correspondents of the mailbox at `path`
 * (seedContactsFromMailbox) as an org: one Account per company (Website = the domain),
 * Contacts with Title, Phone (every third none), owners cycling through three sales users
 * (every fifth the rep), LastActivityDate on every other one; every leadEvery-th person an
 * unconverted Lead (Status cycling); the next correspondent after `count` a converted Lead
 * only (which lookups must skip). Two of three accounts get an open Opportunity (stages
 * cycling, amount growing with rank) with their contacts as roles, every fourth a Closed Won
 * one. Deterministic for a given mailbox. Rejects when `path` cannot be read.
 */
export async function seedSalesforceOrgFromMailbox(path: string, options: SalesforceSeedOptions): Promise<SeedOrg> {
  const people = await seedContactsFromMailbox(path, { ...options, count: options.count + 1 });
  const leadEvery = options.leadEvery ?? 5;
  const org: SeedOrg = {
    users: HUBSPOT_TEST_OWNERS.slice(0, 3).map((o) => ({ FirstName: o.firstName, LastName: o.lastName, Email: o.email })),
    accounts: [],
    contacts: [],
    leads: [],
    opportunities: [],
  };
  const accountByCompany = new Map<string, number>();
  const converted = people.length > options.count ? people.pop() : undefined;
  people.forEach((p, rank) => {
    const person: SeedPerson = {
      email: p.email,
      ...(p.firstname ? { FirstName: p.firstname } : {}),
      LastName: p.lastname || p.email.split('@')[0]!,
      Title: TITLES[rank % TITLES.length]!,
      Phone: rank % 3 === 2 ? null : `+1 713 555 ${String(1000 + rank).slice(-4)}`,
      ...(rank % 5 === 4 ? {} : { owner: rank % 3 }),
      LastActivityDate: rank % 2 === 0 ? `2001-${String(1 + (rank % 12)).padStart(2, '0')}-${String(1 + (rank % 27)).padStart(2, '0')}` : null,
    };
    const company = p.company ?? p.email.split('@')[1]!;
    if (rank >= 3 && rank % leadEvery === 3) {
      org.leads.push({ ...person, Company: company, Status: rank % 2 ? 'Working - Contacted' : 'Open - Not Contacted' });
      return;
    }
    let account = accountByCompany.get(company);
    if (account === undefined) {
      account = org.accounts.push({ Name: company, Website: p.email.split('@')[1]!, owner: rank % 3 }) - 1;
      accountByCompany.set(company, account);
    }
    org.contacts.push({ ...person, account });
  });
  if (converted) {
    org.leads.push({ email: converted.email, LastName: converted.lastname || 'Unknown', ...(converted.firstname ? { FirstName: converted.firstname } : {}), Company: converted.company ?? 'Unknown', Status: 'Closed - Converted', IsConverted: true });
  }
  org.accounts.forEach((account, a) => {
    const members = org.contacts.filter((c) => c.account === a).map((c) => c.email);
    if (a % 3 !== 2) {
      org.opportunities.push({
        Name: `${account.Name} — Energy services ${2001 + (a % 2)}`, account: a, StageName: OPEN_STAGES[a % OPEN_STAGES.length]!,
        Amount: a % 5 === 4 ? null : (a + 1) * 25_000, CloseDate: `2001-${String(1 + (a % 12)).padStart(2, '0')}-28`, contacts: members.slice(0, 2),
      });
    }
    if (a % 4 === 0) {
      org.opportunities.push({ Name: `${account.Name} — Master agreement`, account: a, StageName: 'Closed Won', Amount: 120_000, CloseDate: '2000-12-15', contacts: members.slice(0, 1) });
    }
  });
  return org;
}

/** Inserts a SeedOrg into the store (read-only fields allowed), owners defaulting to `apiUserId`. */
export function loadSeedOrg(store: SalesforceStore, org: SeedOrg, apiUserId: string): void {
  const users = org.users.map((u) => store.insertRaw('User', { ...u, Username: u.Email, IsActive: true }));
  const ownerOf = (i: number | undefined) => (i === undefined ? apiUserId : users[i] ?? apiUserId);
  const accounts = org.accounts.map((a) => store.insertRaw('Account', { Name: a.Name, Website: a.Website, OwnerId: ownerOf(a.owner) }));
  const contactIds = new Map<string, string>();
  const person = (p: SeedPerson): SfRecord => ({
    Email: p.email, FirstName: p.FirstName ?? null, LastName: p.LastName, Title: p.Title ?? null, Phone: p.Phone ?? null,
    OwnerId: ownerOf(p.owner), LastActivityDate: p.LastActivityDate ?? null,
  });
  for (const c of org.contacts) {
    contactIds.set(c.email, store.insertRaw('Contact', { ...person(c), AccountId: c.account === undefined ? null : accounts[c.account]! }));
  }
  for (const l of org.leads) {
    store.insertRaw('Lead', { ...person(l), Company: l.Company, Status: l.Status, IsConverted: l.IsConverted ?? false });
  }
  for (const o of org.opportunities) {
    const id = store.insertRaw('Opportunity', { Name: o.Name, AccountId: accounts[o.account]!, StageName: o.StageName, Amount: o.Amount, CloseDate: o.CloseDate, OwnerId: ownerOf(org.accounts[o.account]?.owner) });
    o.contacts.forEach((email, i) => {
      const contactId = contactIds.get(email);
      if (contactId) store.insertRaw('OpportunityContactRole', { OpportunityId: id, ContactId: contactId, Role: i === 0 ? 'Decision Maker' : 'Influencer', IsPrimary: i === 0 });
    });
  }
}
