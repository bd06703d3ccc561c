// Builds a believable CRM from a real mailbox: the people a rep corresponds with most
// (outside the rep's own company) become HubSpot contacts, their address domains become
// companies, and some of them take part in deals, so tests and the demo match real mail
// against real-looking records instead of hand-made fixtures.
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { parseMessage } from '../../../src-main/mail/mime/index.ts';
import { DEAL_PIPELINES, HUBSPOT_TEST_OWNERS, type SeedCompany, type SeedContact, type SeedDeal } from './hubspot-store.ts';

export interface SeedOptions {
  /** The mailbox owner's address (the rep); never becomes a contact. */
  owner: string;
  /** How many contacts to create: the `count` most frequent external correspondents. */
  count: number;
  /** Domains counted as the rep's own company (subdomains included). Default: the owner's domain. */
  ownDomains?: string[];
}

interface Tally {
  count: number;
  names: Map<string, number>;
}

/**
 * Reads every message under `path` (maildir, mbox or .eml folder; readMailbox + parseMessage),
 * counts each external address in From, To and Cc once per message, and returns the `count`
 * most frequent as SeedContacts, most frequent first (ties by address). Names come from the
 * most used display name ("Last, First" turned around), else the local part; company from the
 * domain ("pge.com" → "Pge"); owners cycle through HUBSPOT_TEST_OWNERS by rank, every fifth
 * contact unassigned. Deterministic for a given mailbox. Errors: rejects when `path` cannot be read.
 */
export async function seedContactsFromMailbox(path: string, options: SeedOptions): Promise<SeedContact[]> {
  const owner = options.owner.trim().toLowerCase();
  const own = (options.ownDomains ?? [owner.split('@')[1] ?? '']).map((d) => d.toLowerCase()).filter(Boolean);
  const isOwn = (domain: string) => own.some((d) => domain === d || domain.endsWith(`.${d}`));
  const tallies = new Map<string, Tally>();
  for await (const { raw } of readMailbox(path)) {
    const message = await parseMessage(raw);
    const seen = new Set<string>();
    for (const a of [...(message.from ? [message.from] : []), ...message.to, ...message.cc]) {
      const address = a.address.trim().toLowerCase();
      const domain = address.split('@')[1];
      if (!domain || !domain.includes('.') || address === owner || isOwn(domain) || seen.has(address)) continue;
      seen.add(address);
      const tally = tallies.get(address) ?? { count: 0, names: new Map() };
      tally.count += 1;
      const name = a.name.trim();
      if (name && !name.includes('@')) tally.names.set(name, (tally.names.get(name) ?? 0) + 1);
      tallies.set(address, tally);
    }
  }
  return [...tallies]
    .sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, options.count)
    .map(([email, tally], rank) => {
      const { firstname, lastname } = splitName(bestName(tally) ?? nameFromLocalPart(email));
      const ownerId = rank % 5 === 4 ? undefined : HUBSPOT_TEST_OWNERS[rank % HUBSPOT_TEST_OWNERS.length]!.id;
      return {
        email,
        ...(firstname ? { firstname } : {}),
        ...(lastname ? { lastname } : {}),
        company: companyFromDomain(email.split('@')[1]!),
        ...(ownerId ? { hubspot_owner_id: ownerId } : {}),
      };
    });
}

function bestName(tally: Tally): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [name, count] of tally.names) {
    if (count > bestCount || (count === bestCount && best !== null && name < best)) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

function nameFromLocalPart(email: string): string {
  return email.split('@')[0]!.split(/[._-]+/).filter(Boolean).map(capitalise).join(' ');
}

/** "Dasovich, Jeff" → Jeff / Dasovich; "Mary Lynne Smith" → Mary / Lynne Smith. */
function splitName(name: string): { firstname: string; lastname: string } {
  const cleaned = name.replace(/["']/g, '').trim();
  const comma = /^([^,]+),\s*(.+)$/.exec(cleaned);
  if (comma) return { firstname: comma[2]!.trim(), lastname: comma[1]!.trim() };
  const parts = cleaned.split(/\s+/).filter(Boolean);
  return { firstname: parts[0] ?? '', lastname: parts.slice(1).join(' ') };
}

/** The label left of the public suffix ("mail.pge.com" → "Pge", "bbc.co.uk" → "Bbc"). */
function companyFromDomain(domain: string): string {
  const labels = domain.split('.');
  const secondLevel = labels.length >= 3 && labels.at(-2)!.length <= 3 && labels.at(-1)!.length === 2;
  return capitalise(labels.at(secondLevel ? -3 : -2) ?? domain);
}

function capitalise(word: string): string {
  return word ? word[0]!.toUpperCase() + word.slice(1) : word;
}

const DEAL_TOPICS = ['Gas supply', 'Power hedge', 'Pipeline capacity', 'Transmission rights', 'Risk advisory', 'Retail load'];
const DAY = 86_400_000;

/**
 * Companies and deals for seeded contacts, deterministic by rank: one company per address
 * domain (first seen first; named as the contact's company, domain lower-cased); the contact of
 * every third rank (0, 3, 6, …) has an open deal, every sixth a second one created a day later,
 * every fourth a closed one (won at ranks divisible by 8, else lost). Open stages cycle through
 * the default pipeline's; amounts are whole dollars in USD, closing in 2001. Feed both to
 * `new HubSpotEmulator({contacts, companies, deals})`, which gives each contact its domain's
 * company as primary.
 */
export function seedCompaniesAndDeals(contacts: readonly SeedContact[]): { companies: SeedCompany[]; deals: SeedDeal[] } {
  const companies = new Map<string, SeedCompany>();
  for (const contact of contacts) {
    const domain = contact.email.split('@')[1]?.toLowerCase();
    if (domain && !companies.has(domain)) companies.set(domain, { name: contact.company ?? companyFromDomain(domain), domain });
  }
  const openStages = DEAL_PIPELINES[0]!.stages.filter((stage) => !stage.isClosed);
  const deals: SeedDeal[] = [];
  contacts.forEach((contact, rank) => {
    const company = contact.company ?? companyFromDomain(contact.email.split('@')[1] ?? '');
    const deal = (n: number, dealstage: string): SeedDeal => ({
      dealname: `${company} ${DEAL_TOPICS[(rank + n) % DEAL_TOPICS.length]}`,
      dealstage,
      pipeline: DEAL_PIPELINES[0]!.id,
      amount: String(10_000 + ((rank * 7_919 + n * 104_729) % 90) * 1_000),
      closedate: new Date(Date.UTC(2001, 5, 30) + (rank + n * 7) * DAY).toISOString(),
      deal_currency_code: 'USD',
      createdate: new Date(Date.UTC(2001, 0, 1) + (rank * 3 + n) * DAY).toISOString(),
      contactEmails: [contact.email],
    });
    if (rank % 3 === 0) deals.push(deal(0, openStages[rank % openStages.length]!.id));
    if (rank % 6 === 0) deals.push(deal(1, openStages[(rank + 1) % openStages.length]!.id));
    if (rank % 4 === 0) deals.push(deal(2, rank % 8 === 0 ? 'closedwon' : 'closedlost'));
  });
  return { companies: [...companies.values()], deals };
}
