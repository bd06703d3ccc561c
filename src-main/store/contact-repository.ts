// CRM contacts cached locally, so timelines and "is this a contact?" work offline, plus the
// negative cache of addresses the CRM did not know (asked again only after a while).
import type { CrmContact, CrmDeal } from '../crm/types.ts';
import type { Db } from './types.ts';

export interface CachedContact extends CrmContact {
  /** Local row id (activities.contact_id, outbox.contact_id). */
  id: number;
  crm: string;
  /** When the CRM last confirmed this contact (ms). */
  updatedAt: number;
  /** Open deals as last fetched (openDealsOf); null when never fetched. */
  deals: CrmDeal[] | null;
  dealsFetchedAt: number | null;
}

interface Row {
  id: number;
  crm: string;
  crm_contact_id: string;
  email: string;
  name: string;
  company: string;
  owner: string;
  updated_at: number;
  details_json: string | null;
  deals_json: string | null;
  deals_fetched_at: number | null;
}

/** The card fields kept in details_json (CrmContact's optional ones). */
const DETAIL_KEYS = ['kind', 'title', 'phone', 'status', 'crmCompanyId', 'lastActivityAt', 'url'] as const;

function detailsOf(contact: CrmContact): string {
  const details: Record<string, unknown> = {};
  for (const key of DETAIL_KEYS) if (contact[key] !== undefined) details[key] = contact[key];
  return JSON.stringify(details);
}

/** Correspondents without a cached contact and without a miss newer than @since; exported for the plan test. */
export const UNMATCHED_ADDRESSES_SQL = `SELECT a.address FROM addresses a
  WHERE a.id > @after AND a.id <= @until
    AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.crm = @crm AND c.email = a.address)
    AND NOT EXISTS (SELECT 1 FROM crm_contact_misses m WHERE m.crm = @crm AND m.email = a.address AND m.checked_at >= @since)
    AND a.address NOT IN (SELECT value FROM json_each(@own))
  ORDER BY a.id LIMIT @limit`;

/** A stored email with the address in From/To/Cc, for a contact's timeline. */
export interface TimelineMessage {
  messageId: number;
  threadId: number;
  subject: string;
  /** received_at (ms). */
  date: number;
  fromAddress: string | null;
  snippet: string;
}

/** Every message with the address in From, To or Cc, newest first; exported for the plan test. */
export const TIMELINE_SQL = `SELECT DISTINCT m.id AS messageId, m.thread_id AS threadId, m.subject, m.received_at AS date,
    m.from_address AS fromAddress, m.snippet
  FROM addresses a
  JOIN message_participants p ON p.address_id = a.id AND p.role IN ('from', 'to', 'cc')
  JOIN messages m ON m.id = p.message_id
  WHERE a.address = @address
  ORDER BY m.received_at DESC, m.id DESC LIMIT @limit`;

export class ContactRepository {
  readonly #now: () => number;
  readonly #s;
  readonly #upsert;
  readonly #misses;
  readonly #retire;

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#s = {
      upsert: db.prepare<[Record<string, unknown>]>(
        `INSERT INTO contacts (crm, crm_contact_id, email, name, company, owner, details_json, updated_at)
         VALUES (@crm, @crmContactId, @email, @name, @company, @owner, @details, @now)
         ON CONFLICT (crm, crm_contact_id) DO UPDATE SET email = excluded.email, name = excluded.name,
           company = excluded.company, owner = excluded.owner, details_json = excluded.details_json, updated_at = excluded.updated_at`,
      ),
      setDeals: db.prepare<[string, number, string, string]>(
        'UPDATE contacts SET deals_json = ?, deals_fetched_at = ? WHERE crm = ? AND crm_contact_id = ?',
      ),
      clearMiss: db.prepare<[string, string]>('DELETE FROM crm_contact_misses WHERE crm = ? AND email = ?'),
      miss: db.prepare<[string, string, number]>(
        `INSERT INTO crm_contact_misses (crm, email, checked_at) VALUES (?, ?, ?)
         ON CONFLICT (crm, email) DO UPDATE SET checked_at = excluded.checked_at`,
      ),
      missedAt: db.prepare<[string, string], number>('SELECT checked_at FROM crm_contact_misses WHERE crm = ? AND email = ?').pluck(),
      byEmail: db.prepare<[string, string], Row>('SELECT * FROM contacts WHERE crm = ? AND email = ? ORDER BY updated_at DESC LIMIT 1'),
      byEmails: db.prepare<[string, string], Row>(
        `SELECT * FROM contacts WHERE crm = ? AND email IN (SELECT value FROM json_each(?)) ORDER BY email, updated_at DESC`,
      ),
      unmatched: db.prepare<[Record<string, unknown>], { address: string; id: number }>(
        UNMATCHED_ADDRESSES_SQL.replace('SELECT a.address', 'SELECT a.id, a.address'),
      ),
      lastAddressId: db.prepare<[], number | null>('SELECT max(id) FROM addresses').pluck(),
      displayName: db.prepare<[string], string>('SELECT display_name FROM addresses WHERE address = ?').pluck(),
      timeline: db.prepare<[{ address: string; limit: number }], TimelineMessage>(TIMELINE_SQL),
    };
    this.#upsert = db.transaction((crm: string, contacts: readonly CrmContact[]) => {
      const now = this.#now();
      for (const c of contacts) {
        const email = c.email.trim().toLowerCase();
        this.#s.upsert.run({ crm, crmContactId: c.crmContactId, email, name: c.name, company: c.company, owner: c.owner, details: detailsOf(c), now });
        this.#s.clearMiss.run(crm, email);
      }
    });
    const archive = db.prepare<[string, string]>(
      'UPDATE contacts SET crm = ? WHERE crm = ? AND EXISTS (SELECT 1 FROM activities WHERE contact_id = contacts.id)',
    );
    const forget = db.prepare<[string]>('DELETE FROM contacts WHERE crm = ?');
    const forgetMisses = db.prepare<[string]>('DELETE FROM crm_contact_misses WHERE crm = ?');
    this.#retire = db.transaction((crm: string, archiveCrm: string) => {
      const archived = archive.run(archiveCrm, crm).changes;
      forget.run(crm);
      forgetMisses.run(crm);
      return archived;
    });
    this.#misses = db.transaction((crm: string, emails: readonly string[]) => {
      const now = this.#now();
      for (const e of emails) this.#s.miss.run(crm, e.trim().toLowerCase(), now);
    });
  }

  /**
   * The CRM account changed (another HubSpot portal): its contact ids mean nothing in the new
   * one. Contacts with logged activities are kept for history under `archiveCrm`; the rest
   * and every miss are forgotten, so matching starts afresh. Returns how many were archived.
   */
  retireAccount(crm: string, archiveCrm: string): number {
    return this.#retire.immediate(crm, archiveCrm);
  }

  /** Caches contacts the CRM returned (insert or refresh by CRM id); clears their misses. */
  upsert(crm: string, contacts: readonly CrmContact[]): void {
    if (contacts.length) this.#upsert.immediate(crm, contacts);
  }

  /** Caches the contact's open deals as the CRM listed them now (the card reads them offline). */
  setDeals(crm: string, crmContactId: string, deals: readonly CrmDeal[]): void {
    this.#s.setDeals.run(JSON.stringify(deals), this.#now(), crm, crmContactId);
  }

  /** The cached contact with this (lower-cased) address, or null. */
  getByEmail(crm: string, email: string): CachedContact | null {
    const row = this.#s.byEmail.get(crm, email.trim().toLowerCase());
    return row ? toContact(row) : null;
  }

  /** Cached contacts among `emails` (lower-cased), one per address (the freshest). */
  listByEmails(crm: string, emails: readonly string[]): CachedContact[] {
    if (!emails.length) return [];
    const seen = new Set<string>();
    const out: CachedContact[] = [];
    for (const row of this.#s.byEmails.all(crm, JSON.stringify(emails.map((e) => e.trim().toLowerCase())))) {
      if (seen.has(row.email)) continue;
      seen.add(row.email);
      out.push(toContact(row));
    }
    return out;
  }

  /** Remembers that the CRM had no contact for these addresses (checked now). */
  recordMisses(crm: string, emails: readonly string[]): void {
    if (emails.length) this.#misses.immediate(crm, emails);
  }

  /** When the CRM last said it has no contact for `email` (ms), or null. */
  missedAt(crm: string, email: string): number | null {
    return this.#s.missedAt.get(crm, email.trim().toLowerCase()) ?? null;
  }

  /** Stored messages with `address` in From/To/Cc, newest first, at most `limit` (default 1,000). */
  timelineMessages(address: string, limit = 1_000): TimelineMessage[] {
    return this.#s.timeline.all({ address: address.trim().toLowerCase(), limit });
  }

  /**
   * Stored correspondents (the `addresses` table) with no cached contact and no miss
   * checked at or after `since` (ms), excluding `own` addresses; ascending by address id in
   * (`after`, `until`] so a caller can page through them in windows of bounded cost.
   */
  unmatchedAddresses(
    crm: string,
    options: { own: readonly string[]; since: number; after: number; until?: number; limit: number },
  ): Array<{ id: number; address: string }> {
    return this.#s.unmatched.all({
      crm,
      own: JSON.stringify(options.own),
      since: options.since,
      after: options.after,
      until: options.until ?? Number.MAX_SAFE_INTEGER,
      limit: options.limit,
    });
  }

  /** The name the address was last seen with in mail ('' when none). */
  displayName(address: string): string {
    return this.#s.displayName.get(address.trim().toLowerCase()) ?? '';
  }

  /** The highest address id (0 when none): the end of a pass over the correspondents. */
  lastAddressId(): number {
    return this.#s.lastAddressId.get() ?? 0;
  }
}

function toContact(row: Row): CachedContact {
  return {
    id: row.id,
    crm: row.crm,
    crmContactId: row.crm_contact_id,
    email: row.email,
    name: row.name,
    company: row.company,
    owner: row.owner,
    updatedAt: row.updated_at,
    ...parseJson<Partial<CrmContact>>(row.details_json, {}),
    deals: row.deals_json ? parseJson<CrmDeal[]>(row.deals_json, []) : null,
    dealsFetchedAt: row.deals_fetched_at,
  };
}

/** Our own JSON column: a row written by a build that failed half-way reads as `fallback`. */
function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
