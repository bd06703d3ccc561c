// A believable Pipedrive company from a real mailbox: the rep's most frequent external
// correspondents (seedContactsFromMailbox, shared with the HubSpot emulator) become persons,
// their mail domains organizations, and about two in three of them the contact person of an
// open deal. Deterministic for a given mailbox, so tests can assert exact values.
import { HUBSPOT_TEST_OWNERS, type SeedContact } from '../crm/hubspot-store.ts';
import { PERSON_LABELS, PIPEDRIVE_TEST_USERS, STAGES } from './pipedrive-store.ts';

export interface SeedDeal {
  title: string;
  value: number;
  currency: string;
  stageId: number;
  /** YYYY-MM-DD. */
  expectedCloseDate: string;
}

/** A person given to the emulator up front. */
export interface SeedPerson {
  email: string;
  name: string;
  /** Organization name; persons with the same name share one organization. */
  company?: string;
  /** The organization's website (set when the organization is first created). */
  website?: string;
  /** A PIPEDRIVE_TEST_USERS id; default the token's own user. */
  ownerId?: number;
  jobTitle?: string;
  phone?: string;
  labelId?: number;
  /** An open deal whose contact person this is (and whose organization is the person's). */
  openDeal?: SeedDeal;
}

const TITLES = ['Director, Regulatory Affairs', 'Senior Counsel', 'VP Government Relations', 'Analyst', 'Managing Partner', 'Policy Advisor'];
const DEAL_KINDS = ['Gas supply agreement', 'Transmission study', 'Advisory retainer', 'Power purchase', 'Consulting renewal'];

/**
 * Persons for the emulator from SeedContacts, rank by rank: name from first and last name
 * (else the address), the HubSpot owner mapped to the Pipedrive user at the same position (the
 * unassigned fifth to the rep), website = the address's domain, a job title for two in three,
 * a phone for every other, labels cycling Hot/Warm/Cold/Customer/none, and an open deal for
 * ranks 0, 2, 3, 5, 6, … (not every third from rank 1) in stages cycling through the pipeline.
 */
export function pipedriveSeedFromContacts(contacts: readonly SeedContact[]): SeedPerson[] {
  return contacts.map((c, rank) => {
    const ownerIndex = HUBSPOT_TEST_OWNERS.findIndex((o) => o.id === c.hubspot_owner_id);
    const name = [c.firstname, c.lastname].filter(Boolean).join(' ').trim() || c.email;
    const label = [2, 3, 4, 1, 0][rank % 5]!;
    const company = c.company || undefined;
    return {
      email: c.email,
      name,
      ...(company ? { company, website: `https://www.${c.email.split('@')[1]}` } : {}),
      ownerId: PIPEDRIVE_TEST_USERS[ownerIndex >= 0 ? ownerIndex + 1 : 0]!.id,
      ...(rank % 3 !== 2 ? { jobTitle: TITLES[rank % TITLES.length]! } : {}),
      ...(rank % 2 === 0 ? { phone: `+1 415 555 ${String(1000 + rank).slice(-4)}` } : {}),
      ...(label && PERSON_LABELS.some((l) => l.id === label) ? { labelId: label } : {}),
      ...(rank % 3 !== 1 ? {
        openDeal: {
          title: `${company ?? name} — ${DEAL_KINDS[rank % DEAL_KINDS.length]!}`,
          value: (rank + 1) * 2_500,
          currency: 'USD',
          stageId: STAGES[rank % STAGES.length]!.id,
          expectedCloseDate: `2001-${String((rank % 12) + 1).padStart(2, '0')}-15`,
        },
      } : {}),
    };
  });
}
