// Address completion for compose: correspondents from the stored mail and CRM contacts whose
// address or name starts with what the rep typed, the most written-to first.
import type { Db } from './types.ts';

export interface AddressSuggestionRow {
  address: string;
  name: string;
  isContact: boolean;
}

/** Candidates read per source before ranking; the name match scans, so it is bounded. */
const CANDIDATES = 50;

export class AddressBookRepository {
  readonly #s;

  constructor(db: Db) {
    this.#s = {
      // The address range rides the UNIQUE index on addresses.address; names need a scan of
      // the (much smaller than messages) addresses table.
      byAddress: db.prepare<[string, string, number], { id: number; address: string; name: string }>(
        'SELECT id, address, display_name AS name FROM addresses WHERE address >= ? AND address < ? LIMIT ?',
      ),
      byName: db.prepare<[string, string, number], { id: number; address: string; name: string }>(
        `SELECT id, address, display_name AS name FROM addresses
          WHERE display_name LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' LIMIT ?`,
      ),
      uses: db.prepare<[number], number>('SELECT count(*) FROM message_participants WHERE address_id = ?').pluck(),
      contacts: db.prepare<[string, string, string, number], { address: string; name: string }>(
        `SELECT email AS address, name FROM contacts WHERE (email >= ? AND email < ?) OR name LIKE ? ESCAPE '\\' LIMIT ?`,
      ),
    };
  }

  /** Up to `limit` suggestions for `prefix` (case-insensitive), contacts and frequent correspondents first. */
  suggest(prefix: string, limit: number): AddressSuggestionRow[] {
    const p = prefix.trim().toLowerCase();
    if (!p) return [];
    const like = p.replace(/[\\%_]/g, (c) => `\\${c}`);
    const upper = `${p}\uffff`;
    const found = new Map<string, AddressSuggestionRow & { uses: number }>();
    for (const row of [...this.#s.byAddress.all(p, upper, CANDIDATES), ...this.#s.byName.all(`${like}%`, `% ${like}%`, CANDIDATES)]) {
      if (!found.has(row.address)) found.set(row.address, { address: row.address, name: row.name, isContact: false, uses: this.#s.uses.get(row.id) ?? 0 });
    }
    for (const c of this.#s.contacts.all(p, upper, `%${like}%`, CANDIDATES)) {
      const known = found.get(c.address);
      found.set(c.address, { address: c.address, name: c.name || known?.name || '', isContact: true, uses: known?.uses ?? 0 });
    }
    return [...found.values()]
      .sort((a, b) => Number(b.isContact) - Number(a.isContact) || b.uses - a.uses || a.address.localeCompare(b.address))
      .slice(0, limit)
      .map(({ address, name, isContact }) => ({ address, name, isContact }));
  }
}
