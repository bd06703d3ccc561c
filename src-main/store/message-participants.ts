// Who a stored message is from and to: its message_participants rows, over addresses kept once
// each (lower-cased, the first display name seen kept), which the address book, contact
// matching and the timelines read.
import type { Address, ParsedMessage } from '../mail/types.ts';
import type { Db, ParticipantRole } from './types.ts';

export class MessageParticipants {
  readonly #s;

  constructor(db: Db) {
    this.#s = {
      address: db.prepare<[string], { id: number; display_name: string }>('SELECT id, display_name FROM addresses WHERE address = ?'),
      insertAddress: db.prepare<[string, string]>('INSERT INTO addresses (address, display_name) VALUES (?, ?)'),
      nameAddress: db.prepare<[string, number]>('UPDATE addresses SET display_name = ? WHERE id = ?'),
      clear: db.prepare<[number]>('DELETE FROM message_participants WHERE message_id = ?'),
      insert: db.prepare<[number, ParticipantRole, number, number]>(
        'INSERT OR IGNORE INTO message_participants (message_id, role, address_id, position) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  /** Drops a message's participants (before it is written again). */
  clear(messageId: number): void {
    this.#s.clear.run(messageId);
  }

  /**
   * Records the message's From, To, Cc, Bcc and Reply-To in header order; `cache` (address →
   * id) is shared across one batch. Empty addresses are left out.
   */
  add(messageId: number, parsed: Pick<ParsedMessage, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>, cache: Map<string, number>): void {
    const roles: Array<[ParticipantRole, Address[]]> = [
      ['from', parsed.from ? [parsed.from] : []],
      ['to', parsed.to],
      ['cc', parsed.cc],
      ['bcc', parsed.bcc],
      ['reply_to', parsed.replyTo],
    ];
    for (const [role, list] of roles) {
      list.forEach((a, position) => {
        const addressId = this.#addressId(a, cache);
        if (addressId !== null) this.#s.insert.run(messageId, role, addressId, position);
      });
    }
  }

  #addressId(a: Address, cache: Map<string, number>): number | null {
    const address = a.address.trim().toLowerCase();
    if (!address) return null;
    const cached = cache.get(address);
    if (cached !== undefined) return cached;
    const row = this.#s.address.get(address);
    let id: number;
    if (!row) {
      id = Number(this.#s.insertAddress.run(address, a.name).lastInsertRowid);
    } else {
      id = row.id;
      if (!row.display_name && a.name) this.#s.nameAddress.run(a.name, id);
    }
    cache.set(address, id);
    return id;
  }
}
