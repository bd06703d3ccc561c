// Builds a believable CRM from a real mailbox: the people a rep corresponds with most
// (outside the rep's own company) become HubSpot contacts, so tests and the demo match
// real mail against real-looking contacts instead of hand-made fixtures.
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { parseMessage } from '../../../src-main/mail/mime/index.ts';
import { HUBSPOT_TEST_OWNERS, type SeedContact } from './hubspot-store.ts';

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
