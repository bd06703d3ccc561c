// The full-text index of the offline copy: FTS5, contentless (the text lives once, in
// messages), Porter-stemmed so "redline" finds "redlines". Its rowid is not messages.id but a
// date-ordered search key, so "newest matches first" is FTS5 walking its rowids downwards and
// stopping at the page: index-bound however many messages match.
// https://www.sqlite.org/fts5.html#the_porter_tokenizer, #contentless_tables
import type { Address } from '../mail/types.ts';
import type { Db } from './types.ts';
import { BODY_SOURCE_COLUMN, decodeBodies } from './raw-encoding.ts';

/** FTS cost grows with the body; beyond this many characters a body adds little to recall. */
const MAX_INDEXED_BODY_CHARS = 100_000;

/**
 * messages.search_key: whole seconds of received_at × the database's keys per second + a
 * counter within that second (keyFor), so keys sort by date, ties in the order stored.
 * FTS5 stores each doclist's rowids as varint deltas, so the fewer keys a second spans the
 * smaller the index: at 16 a second an hour's gap between two matches takes 3 bytes where
 * 2^20 a second took 5, a day's 3 where it took 6 (the Enron corpus' index: 11.7 → 9.6 MB).
 * https://www.sqlite.org/fts5.html#the_fts5_index_structure (doclist format)
 */
export const KEYS_PER_SECOND = 16;
/** What databases that held messages before migration 160 keep: their FTS5 rows cannot be re-keyed without indexing every message again. */
export const LEGACY_KEYS_PER_SECOND = 1_048_576;
/** Dates past this (a Date header of 9999) count as this; dates before 1970 count as 1970. */
const LATEST_KEY_MS = Date.UTC(2200, 0, 1);

/** The keys per second this database was made with (search_key_scale, migration 160); legacy where the table is not there yet. */
export function keysPerSecond(db: Db): number {
  const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'search_key_scale'").pluck().get();
  if (!table) return LEGACY_KEYS_PER_SECOND;
  return (db.prepare('SELECT keys_per_second FROM search_key_scale').pluck().get() as number | undefined) ?? LEGACY_KEYS_PER_SECOND;
}

/** The first key of second `ms / 1000`: keys ≥ it are messages received at or after `ms` (but see SearchIndex.keyFor on a full second). */
export const searchKeyAt = (ms: number, perSecond: number): number => Math.floor(Math.min(LATEST_KEY_MS, Math.max(0, ms)) / 1000) * perSecond;

/** The FTS5 table, as migration 80 creates it (exported for the migration). */
export const SEARCH_TABLE_SQL = `CREATE VIRTUAL TABLE messages_fts USING fts5 (
  subject, sender, recipients, body, attachments,
  content = '', contentless_delete = 1,
  tokenize = 'porter unicode61 remove_diacritics 2'
)`;

/** What a message contributes to the index. */
export interface IndexedText {
  subject: string;
  /** From and Reply-To. */
  sender: readonly Address[];
  /** To, Cc and Bcc. */
  recipients: readonly Address[];
  body: string;
  attachmentNames: readonly string[];
}

export class SearchIndex {
  readonly #s;
  readonly perSecond: number;
  /** A full second's first key → the key after the last one it lent (keyFor). */
  readonly #lent = new Map<number, number>();

  constructor(db: Db) {
    this.perSecond = keysPerSecond(db);
    this.#s = {
      // The next free key in the second: the last one there + 1 (an index probe), else the second's first.
      nextKey: db
        .prepare<[number, number, number], number>('SELECT coalesce(max(search_key) + 1, ?) FROM messages WHERE search_key >= ? AND search_key < ?')
        .pluck(),
      // The first free key from @from on: @from itself, else the first taken key, walking up the index, whose successor is free.
      firstFree: db
        .prepare<[{ from: number }], number>(
          `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM messages WHERE search_key = @from) THEN @from ELSE
             (SELECT m.search_key + 1 FROM messages m WHERE m.search_key >= @from
                AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.search_key = m.search_key + 1)
              ORDER BY m.search_key LIMIT 1) END`,
        )
        .pluck(),
      remove: db.prepare<[number]>('DELETE FROM messages_fts WHERE rowid = ?'),
      insert: db.prepare<[number, string, string, string, string, string]>(
        'INSERT INTO messages_fts (rowid, subject, sender, recipients, body, attachments) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  /**
   * The search key for a message received at `receivedAt` (ms): `current` (its key when it is
   * saved again) if that is in the same second or was lent to it, else the second's next free
   * key. A second already holding `perSecond` messages (a burst of mail dated alike, or undated
   * mail, which counts as 1970) lends the next free key after it: such a message sorts, and
   * filters by date, as if it came (pile ÷ perSecond) seconds later, after mail of those
   * seconds stored before it. Where this connection last lent is remembered, so a pile of n
   * undated messages costs O(n) index probes, not O(n²).
   */
  keyFor(receivedAt: number, current?: number | null): number {
    const first = searchKeyAt(receivedAt, this.perSecond);
    const end = first + this.perSecond;
    if (current != null && current >= first && current < end) return current;
    const next = this.#s.nextKey.get(first, first, end)!;
    if (next < end) return next;
    // The second is full: one lent a key before keeps it.
    if (current != null && current >= end) return current;
    const lent = this.#s.firstFree.get({ from: Math.max(end, this.#lent.get(first) ?? 0) })!;
    this.#lent.set(first, lent + 1);
    return lent;
  }

  /** Indexes a message under `key` (messages.search_key, written with the row); call remove() first for a re-save. */
  add(key: number, text: IndexedText): void {
    const body = text.body.length > MAX_INDEXED_BODY_CHARS ? text.body.slice(0, MAX_INDEXED_BODY_CHARS) : text.body;
    this.#s.insert.run(key, text.subject, addressText(text.sender), addressText(text.recipients), body, text.attachmentNames.join(' '));
  }

  /** Drops the index row under `key` (a message's search_key, before its content or date changes). */
  remove(key: number): void {
    this.#s.remove.run(key);
  }
}

/**
 * Name, address (which the tokenizer splits at "." and "@", so `from:dasovich` finds it) and
 * the address as one token (addressToken), so a whole-address search reads one short doclist
 * instead of intersecting "enron" and "com", which every message has.
 */
function addressText(list: readonly Address[]): string {
  return list.map((a) => `${a.name ? `${a.name} ` : ''}${a.address} ${addressToken(a.address)}`).join(' ');
}

/** A whole address as one index token: lower-case letters and digits only ("jeff.dasovich@enron.com" → "jeffdasovichenroncom"). */
export function addressToken(address: string): string {
  return address.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

interface StoredRow {
  id: number;
  received_at: number;
  subject: string;
  body_text: string | Uint8Array;
  body_encoding: string;
  body_source?: Uint8Array | null;
  raw_encoding?: string;
  attachments_json: string;
}

/**
 * Gives every stored message above `afterId` its search key and index row from what the store
 * holds (subject, body text, participants, attachment names), `batch` messages at a time,
 * calling `onBatch` after each; for migrations and benchmarks. Those messages must have no
 * key or index row yet.
 */
export function indexStoredMessages(db: Db, options: { batch?: number; afterId?: number; onBatch?(done: number): void } = {}): number {
  const index = new SearchIndex(db);
  const setKey = db.prepare<[number, number]>('UPDATE messages SET search_key = ? WHERE id = ?');
  // Migration 80 runs this before migration 130 gave bodies an encoding: those are plain text.
  const encoded = (db.prepare("SELECT name FROM pragma_table_info('messages')").pluck().all() as string[]).includes('body_encoding');
  const page = db.prepare<[number, number], StoredRow>(
    `SELECT id, received_at, subject, body_text, ${encoded ? `body_encoding, ${BODY_SOURCE_COLUMN}, raw_encoding` : "'identity' AS body_encoding"}, attachments_json FROM messages WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const participants = db.prepare<[number], { role: string; address: string; display_name: string }>(
    `SELECT p.role, a.address, a.display_name FROM message_participants p JOIN addresses a ON a.id = p.address_id
     WHERE p.message_id = ? ORDER BY p.role, p.position`,
  );
  let done = 0;
  for (let after = options.afterId ?? 0; ; ) {
    const rows = page.all(after, options.batch ?? 1_000);
    if (!rows.length) return done;
    for (const row of rows) {
      const people = participants.all(row.id);
      const of = (...roles: string[]) => people.filter((p) => roles.includes(p.role)).map((p) => ({ name: p.display_name, address: p.address }));
      const attachments = JSON.parse(row.attachments_json) as Array<{ filename?: string | null }>;
      const key = index.keyFor(row.received_at);
      setKey.run(key, row.id);
      index.add(key, {
        subject: row.subject,
        sender: of('from', 'reply_to'),
        recipients: of('to', 'cc', 'bcc'),
        body: decodeBodies(row).text,
        attachmentNames: attachments.flatMap((a) => (a.filename ? [a.filename] : [])),
      });
    }
    done += rows.length;
    after = rows.at(-1)!.id;
    options.onBatch?.(done);
  }
}
