// "Keep full messages on this computer for the last N months" (issue 9): older messages lose
// their raw source and bodies here, in small batches, while everything the inbox, search and
// timelines read stays — subject, participants, snippet, labels, the attachment list and the
// contentless FTS5 index, so their text is still found. Opening one fetches it back from the
// provider (restore). Imported mailboxes have no provider to ask, so they are never pruned.
import { encodeBodies, encodeRaw, RAW_ENCODING } from './raw-encoding.ts';
import type { Db } from './types.ts';

export class ServerOnlyBodies {
  readonly #prune;
  readonly #restore;
  readonly #serverOnly;
  readonly #count;

  constructor(db: Db) {
    const candidates = db.prepare<[number, number], number>(
      `SELECT m.id FROM messages m JOIN accounts a ON a.id = m.account_id
        WHERE m.received_at < ? AND m.raw_encoding <> 'remote' AND a.provider <> 'import'
        ORDER BY m.received_at LIMIT ?`,
    ).pluck();
    const drop = db.prepare<[number]>(
      `UPDATE messages SET raw = x'', raw_encoding = 'remote', body_text = '', body_html = NULL, body_encoding = 'remote' WHERE id = ?`,
    );
    this.#prune = db.transaction((before: number, limit: number) => {
      const ids = candidates.all(before, limit);
      for (const id of ids) drop.run(id);
      return ids.length;
    });
    this.#restore = db.prepare<[Buffer, string, Buffer | string, Buffer | string | null, string, number]>(
      `UPDATE messages SET raw = ?, raw_encoding = ?, body_text = ?, body_html = ?, body_encoding = ? WHERE id = ? AND raw_encoding = 'remote'`,
    );
    this.#serverOnly = db.prepare<[string], number>(`SELECT id FROM messages WHERE raw_encoding = 'remote' AND id IN (SELECT value FROM json_each(?))`).pluck();
    this.#count = db.prepare<[], number>(`SELECT count(*) FROM messages WHERE raw_encoding = 'remote'`).pluck();
  }

  /**
   * Drops the source and bodies of up to `limit` messages received before `before` (ms), oldest
   * first, in one write transaction; returns how many. Messages of imported mailboxes are kept.
   */
  pruneBatch(before: number, limit = 200): number {
    return this.#prune.immediate(before, limit);
  }

  /**
   * Puts a message's source and bodies back, fetched from the provider; false when the message
   * is gone or was restored already.
   */
  restore(messageId: number, raw: Uint8Array, text: string, html: string | null): boolean {
    const stored = encodeRaw(raw);
    const bodies = encodeBodies(raw, stored, text, html);
    const result = this.#restore.run(stored, RAW_ENCODING, bodies.text, bodies.html, bodies.encoding, messageId);
    return result.changes > 0;
  }

  /** Which of these messages only the provider holds in full. */
  serverOnly(messageIds: readonly number[]): number[] {
    return messageIds.length ? this.#serverOnly.all(JSON.stringify(messageIds)) : [];
  }

  /** How many messages only the provider holds in full. */
  count(): number {
    return this.#count.get() ?? 0;
  }
}
