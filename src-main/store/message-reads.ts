// The read side of the offline mail copy: one message with its participants and labels,
// a thread's messages, the ids sync needs, and store-wide counts. MessageRepository adds
// the writes on top (CONVENTIONS.md §4: reads and writes kept apart).
import { BODY_SOURCE_COLUMN, decodeBodies, decodeRaw, sourceDigest, type BodyEncoding, type RawEncoding } from './raw-encoding.ts';
import type { Db, MessageRecord, ParticipantRole, StoreStats } from './types.ts';

export interface MessageRow {
  id: number;
  account_id: number;
  provider_message_id: string;
  thread_id: number;
  message_id_header: string | null;
  subject: string;
  from_address: string | null;
  from_name: string;
  date: number | null;
  internal_date: number | null;
  received_at: number;
  snippet: string;
  /** Text, or its zstd bytes when body_encoding says so (raw-encoding.ts decodeBodies). */
  body_text: string | Uint8Array;
  body_html: string | Uint8Array | null;
  body_encoding: BodyEncoding;
  /** The stored source, selected (BODY_SOURCE_COLUMN) only where the bodies were compressed against it. */
  body_source?: Uint8Array | null;
  has_attachments: number;
  attachments_json: string;
  warnings_json: string;
  unread: number;
  raw?: Uint8Array;
  /** How `raw` is stored (raw-encoding.ts); 'remote' when only the provider has it. */
  raw_encoding: RawEncoding;
}

/** What re-identifies a stored message once its provider id names nothing (an IMAP folder's new UIDVALIDITY). */
export interface MessageIdentity {
  providerMessageId: string;
  /** Message-ID (RFC 5322 §3.6.4) without angle brackets, or null. */
  messageId: string | null;
  /** Date header, ms since the epoch, or null. */
  date: number | null;
  /** sourceDigest() of the raw source; null where the source is not kept on this computer. */
  digest: string | null;
}

const MESSAGE_COLUMNS = `id, account_id, provider_message_id, thread_id, message_id_header, subject, from_address,
  from_name, date, internal_date, received_at, snippet, body_text, body_html, body_encoding, has_attachments, attachments_json,
  warnings_json, unread, raw_encoding, ${BODY_SOURCE_COLUMN}`;

export class MessageReads {
  readonly #r;

  constructor(db: Db) {
    this.#r = {
      labelsOf: db.prepare<[number], string>(
        `SELECT l.provider_label_id FROM message_labels ml JOIN labels l ON l.id = ml.label_id
         WHERE ml.message_id = ? ORDER BY l.provider_label_id`,
      ).pluck(),
      providerIds: db.prepare<[number], string>('SELECT provider_message_id FROM messages WHERE account_id = ?').pluck(),
      // Every message, those with no label too (Gmail's archived mail over IMAP): the map is also what is stored.
      labelsByMessage: db.prepare<[number], { id: string; label: string | null }>(
        `SELECT m.provider_message_id AS id, l.provider_label_id AS label
           FROM messages m LEFT JOIN message_labels ml ON ml.message_id = m.id LEFT JOIN labels l ON l.id = ml.label_id
          WHERE m.account_id = ?`,
      ),
      identity: db.prepare<[number, string], { message_id_header: string | null; date: number | null; raw: Uint8Array; raw_encoding: RawEncoding }>(
        'SELECT message_id_header, date, raw, raw_encoding FROM messages WHERE account_id = ? AND provider_message_id = ?',
      ),
      byHeader: db.prepare<[number, string], number>(
        'SELECT id FROM messages WHERE account_id = ? AND message_id_header = ? ORDER BY id LIMIT 1',
      ).pluck(),
      byId: db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS}, raw FROM messages WHERE id = ?`),
      byThread: db.prepare<[number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? ORDER BY received_at, id`,
      ),
      participantsOf: db.prepare<[number], { role: ParticipantRole; address: string; name: string }>(
        `SELECT p.role, a.address, a.display_name AS name FROM message_participants p
         JOIN addresses a ON a.id = p.address_id WHERE p.message_id = ? ORDER BY p.role, p.position`,
      ),
      stats: db.prepare<[], StoreStats>(
        `SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM messages) AS messages,
           (SELECT count(*) FROM threads) AS threads,
           (SELECT count(*) FROM messages WHERE warnings_json <> '[]') AS warnings,
           (SELECT count(*) FROM import_skips) AS skippedFiles`,
      ),
    };
  }

  /** Every provider message id stored for the account (full sync fetches only what is missing). */
  knownProviderIds(accountId: number): Set<string> {
    return new Set(this.#r.providerIds.all(accountId));
  }

  /** Provider label (Graph: folder) ids per provider message id of the account, every stored message a key (its list may be empty); delta moves and removals need them. */
  labelsByMessage(accountId: number): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const row of this.#r.labelsByMessage.iterate(accountId)) {
      let list = out.get(row.id);
      if (!list) out.set(row.id, (list = []));
      if (row.label !== null) list.push(row.label);
    }
    return out;
  }

  /** The identities of these stored messages (ids not stored are left out); each stored source is read back and digested. */
  identities(accountId: number, providerMessageIds: Iterable<string>): MessageIdentity[] {
    const out: MessageIdentity[] = [];
    for (const providerMessageId of providerMessageIds) {
      const row = this.#r.identity.get(accountId, providerMessageId);
      if (!row) continue;
      const digest = row.raw_encoding === 'remote' ? null : sourceDigest(rawBytes(row.raw, row.raw_encoding));
      out.push({ providerMessageId, messageId: row.message_id_header, date: row.date, digest });
    }
    return out;
  }

  /** The first stored message of the account with this Message-ID (RFC 5322 §3.6.4, without <>), or null. */
  findByMessageIdHeader(accountId: number, messageId: string): number | null {
    return this.#r.byHeader.get(accountId, messageId) ?? null;
  }

  /** One message with its raw source, participants and labels, or null. */
  getMessage(id: number): MessageRecord | null {
    const row = this.#r.byId.get(id);
    return row ? this.#toRecord(row) : null;
  }

  /** The messages of a thread, oldest first, without their raw source. */
  listThreadMessages(threadId: number): Array<Omit<MessageRecord, 'raw'>> {
    return this.#r.byThread.all(threadId).map((row) => {
      const { raw: _raw, ...rest } = this.#toRecord(row);
      return rest;
    });
  }

  /** Store-wide counts for the status bar and the CLI. */
  stats(): StoreStats {
    return this.#r.stats.get()!;
  }

  /** The provider label ids of one message, sorted. */
  protected labelsOf(messageId: number): string[] {
    return this.#r.labelsOf.all(messageId);
  }

  #toRecord(row: MessageRow): MessageRecord {
    const raw = row.raw ? rawBytes(row.raw, row.raw_encoding ?? 'identity') : null;
    return {
      id: row.id,
      accountId: row.account_id,
      providerMessageId: row.provider_message_id,
      threadId: row.thread_id,
      messageId: row.message_id_header,
      subject: row.subject,
      from: row.from_address === null ? null : { address: row.from_address, name: row.from_name },
      date: row.date,
      internalDate: row.internal_date,
      receivedAt: row.received_at,
      snippet: row.snippet,
      ...decodeBodies(row, raw),
      hasAttachments: row.has_attachments === 1,
      serverOnly: row.raw_encoding === 'remote',
      attachments: JSON.parse(row.attachments_json),
      warnings: JSON.parse(row.warnings_json),
      unread: row.unread === 1,
      labels: this.labelsOf(row.id),
      participants: this.#r.participantsOf.all(row.id),
      raw: raw ?? new Uint8Array(),
    };
  }
}

/** The message's original bytes as a Uint8Array view (no copy for an uncompressed row). */
function rawBytes(stored: Uint8Array, encoding: string): Uint8Array {
  const bytes = decodeRaw(stored, encoding);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
