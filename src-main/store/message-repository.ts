// The offline mail copy: messages with their thread, participants, labels and FTS5 row,
// written one transaction per batch so a sync batch is all-or-nothing and re-saving the
// same provider message never duplicates it. The reads are MessageReads.
import type { IncomingMessage, ParsedMessage } from '../mail/types.ts';
import { baseSubjectKey, localFacts, LocalThreading } from './local-threading.ts';
import { MessageParticipants } from './message-participants.ts';
import { MessageReads } from './message-reads.ts';
import { UNREAD_LABEL, messageValues, type EncodedContent } from './message-values.ts';
import { SearchIndex } from './search-index.ts';
import type { Db, ThreadKey } from './types.ts';

/** One message to store; mail code decides its thread (mail/thread-key.ts). */
export interface MessageToSave {
  incoming: IncomingMessage;
  parsed: ParsedMessage;
  thread: ThreadKey;
  /** The compressed columns, when made ahead (then incoming.raw and parsed.html are not read). */
  encoded?: EncodedContent;
}

export interface LabelInfo {
  providerLabelId: string;
  name: string;
  /** 'system' (Gmail INBOX, UNREAD…, Graph well-known folders); any other value is stored as 'user'. */
  type: string;
}

const SYSTEM_LABEL = /^[A-Z][A-Z0-9_]*$/;

/** A thread's count, last date and subject (its oldest message's) from its messages; @id is the thread. */
export const RECOUNT_THREAD_SQL = `UPDATE threads SET
  message_count = (SELECT count(*) FROM messages WHERE thread_id = @id),
  last_message_at = coalesce((SELECT max(received_at) FROM messages WHERE thread_id = @id), 0),
  subject = coalesce((SELECT subject FROM messages WHERE thread_id = @id ORDER BY received_at, id LIMIT 1), subject)
  WHERE id = @id`;

/** Hot path of every save: the message by (account, provider id). Exported for the query-plan test. */
export const MESSAGE_BY_PROVIDER_ID_SQL = 'SELECT id, thread_id FROM messages WHERE account_id = ? AND provider_message_id = ?';

export class MessageRepository extends MessageReads {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #s;
  readonly #saveBatch;
  readonly #deleteBatch;
  readonly #renameBatch;
  readonly #applyLabels;
  readonly #index: SearchIndex;
  readonly #threading: LocalThreading;
  readonly #participants: MessageParticipants;

  constructor(db: Db, now: () => number = Date.now) {
    super(db);
    this.#db = db;
    this.#now = now;
    this.#index = new SearchIndex(db);
    this.#threading = new LocalThreading(db);
    this.#participants = new MessageParticipants(db);
    this.#s = {
      existing: db.prepare<[number, string], { id: number; thread_id: number }>(MESSAGE_BY_PROVIDER_ID_SQL),
      searchKey: db.prepare<[number], number | null>('SELECT search_key FROM messages WHERE id = ?').pluck(),
      threadByKey: db.prepare<[number, string], number>('SELECT id FROM threads WHERE account_id = ? AND thread_key = ?').pluck(),
      accountEmail: db.prepare<[number], string>('SELECT email FROM accounts WHERE id = ?').pluck(),
      // last_message_at is set at once, so the next message of the batch can find the thread by subject.
      insertThread: db.prepare<[number, string, string | null, string, string, number]>(
        'INSERT INTO threads (account_id, thread_key, provider_thread_id, subject, base_subject, last_message_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertMessage: db.prepare<[Record<string, unknown>]>(
        `INSERT INTO messages (account_id, provider_message_id, thread_id, message_id_header, subject, from_address,
           from_name, date, internal_date, received_at, snippet, body_text, body_html, body_encoding, has_attachments, attachments_json,
           warnings_json, unread, created_at, updated_at, raw, raw_encoding, search_key)
         VALUES (@account_id, @provider_message_id, @thread_id, @message_id_header, @subject, @from_address, @from_name,
           @date, @internal_date, @received_at, @snippet, @body_text, @body_html, @body_encoding, @has_attachments, @attachments_json,
           @warnings_json, @unread, @now, @now, @raw, @raw_encoding, @search_key)`,
      ),
      updateMessage: db.prepare<[Record<string, unknown>]>(
        `UPDATE messages SET thread_id = @thread_id, message_id_header = @message_id_header, subject = @subject,
           from_address = @from_address, from_name = @from_name, date = @date, internal_date = @internal_date,
           received_at = @received_at, snippet = @snippet, body_text = @body_text, body_html = @body_html, body_encoding = @body_encoding,
           has_attachments = @has_attachments, attachments_json = @attachments_json, warnings_json = @warnings_json,
           unread = @unread, updated_at = @now, raw = @raw, raw_encoding = @raw_encoding, search_key = @search_key
         WHERE id = @id`,
      ),
      label: db.prepare<[number, string], number>('SELECT id FROM labels WHERE account_id = ? AND provider_label_id = ?').pluck(),
      insertLabel: db.prepare<[number, string, string, string]>(
        'INSERT INTO labels (account_id, provider_label_id, name, type) VALUES (?, ?, ?, ?)',
      ),
      upsertLabel: db.prepare<[number, string, string, string]>(
        `INSERT INTO labels (account_id, provider_label_id, name, type) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id, provider_label_id) DO UPDATE SET name = excluded.name, type = excluded.type`,
      ),
      clearLabels: db.prepare<[number]>('DELETE FROM message_labels WHERE message_id = ?'),
      addLabel: db.prepare<[number, number]>('INSERT OR IGNORE INTO message_labels (message_id, label_id) VALUES (?, ?)'),
      removeLabel: db.prepare<[number, number, string]>(
        `DELETE FROM message_labels WHERE message_id = ?
           AND label_id = (SELECT id FROM labels WHERE account_id = ? AND provider_label_id = ?)`,
      ),
      setUnread: db.prepare<[number, number, number]>('UPDATE messages SET unread = ?, updated_at = ? WHERE id = ?'),
      recountThread: db.prepare<[{ id: number }]>(RECOUNT_THREAD_SQL),
      messageCount: db.prepare<[number], number>('SELECT message_count FROM threads WHERE id = ?').pluck(),
      dropEmptyThread: db.prepare<[number]>('DELETE FROM threads WHERE id = ? AND message_count = 0'),
      deleteMessage: db.prepare<[number]>('DELETE FROM messages WHERE id = ?'),
      rename: db.prepare<[string, number, number, string]>(
        'UPDATE messages SET provider_message_id = ?, updated_at = ? WHERE account_id = ? AND provider_message_id = ?',
      ),
    };
    this.#saveBatch = db.transaction((accountId: number, items: readonly MessageToSave[]) => this.#save(accountId, items));
    this.#deleteBatch = db.transaction((accountId: number, ids: readonly string[]) => this.#delete(accountId, ids));
    this.#renameBatch = db.transaction((accountId: number, renames: ReadonlyArray<readonly [string, string]>) => {
      const now = this.#now();
      return renames.reduce((n, [from, to]) => n + this.#s.rename.run(to, now, accountId, from).changes, 0);
    });
    this.#applyLabels = db.transaction(
      (accountId: number, providerId: string, added: readonly string[], removed: readonly string[]) =>
        this.#labels(accountId, providerId, added, removed),
    );
  }

  /**
   * Saves a batch (50–100 is the intended size) in one write transaction. Idempotent on
   * (account, providerMessageId): a message seen before is updated in place — content,
   * labels, unread flag, participants and FTS row — and counted as `updated`.
   * Throws (and writes nothing) on a constraint error, e.g. an unknown account.
   */
  saveMessages(accountId: number, items: readonly MessageToSave[]): { inserted: number; updated: number } {
    if (items.length === 0) return { inserted: 0, updated: 0 };
    return this.#saveBatch.immediate(accountId, items);
  }

  /** Deletes messages by provider id (unknown ids are ignored); returns how many were deleted. */
  deleteMessages(accountId: number, providerMessageIds: readonly string[]): number {
    if (providerMessageIds.length === 0) return 0;
    return this.#deleteBatch.immediate(accountId, providerMessageIds);
  }

  /**
   * Gives stored messages new provider ids ([from, to] pairs), in one transaction, keeping each
   * row — its thread, labels, CRM activities and outbox items, which point at the row (queued
   * mail actions name provider ids: MailActionRepository.renameTargets). Ids not stored are
   * ignored; returns how many were renamed. Throws (UNIQUE) when a new id is already stored.
   */
  renameMessages(accountId: number, renames: ReadonlyArray<readonly [from: string, to: string]>): number {
    if (renames.length === 0) return 0;
    return this.#renameBatch.immediate(accountId, renames);
  }

  /**
   * Adds and removes provider label ids on one message (Gmail history labelsAdded /
   * labelsRemoved); keeps `unread` in step with the UNREAD label. Returns false when the
   * message is not stored.
   */
  applyLabelChanges(accountId: number, providerMessageId: string, added: readonly string[], removed: readonly string[]): boolean {
    return this.#applyLabels.immediate(accountId, providerMessageId, added, removed);
  }

  /** Records label names and types from the provider (Gmail labels.list, Graph mailFolders). */
  upsertLabels(accountId: number, labels: readonly LabelInfo[]): void {
    this.#db.transaction(() => {
      for (const l of labels) {
        this.#s.upsertLabel.run(accountId, l.providerLabelId, l.name, l.type === 'system' ? 'system' : 'user');
      }
    })();
  }

  #save(accountId: number, items: readonly MessageToSave[]): { inserted: number; updated: number } {
    const now = this.#now();
    const threads = new Map<string, number>();
    const addresses = new Map<string, number>();
    const labels = new Map<string, number>();
    const touched = new Set<number>();
    let inserted = 0;
    let updated = 0;
    let owner: string | undefined;

    for (const { incoming, parsed, thread: tk, encoded } of items) {
      const existing = this.#s.existing.get(accountId, incoming.providerMessageId);
      const local = tk.providerThreadId === null;
      const receivedAt = incoming.internalDate ?? parsed.date ?? 0;
      // Mail without a provider thread stays where it was threaded, or is threaded as JWZ would (local-threading.ts).
      // A key made of the subject alone is no evidence: the subject rule (date, correspondents) decides.
      const byKey = tk.key.startsWith('l:subject:') ? undefined : (threads.get(tk.key) ?? this.#s.threadByKey.get(accountId, tk.key));
      let threadId = (local ? existing?.thread_id : undefined) ?? byKey;
      if (threadId === undefined && local) {
        owner ??= (this.#s.accountEmail.get(accountId) ?? '').toLowerCase();
        threadId = this.#threading.threadFor(accountId, localFacts(parsed, receivedAt, owner)) ?? undefined;
      }
      if (threadId === undefined) {
        const base = baseSubjectKey(parsed.subject);
        // Several threads may share a subject-only key: each gets its own by the message's id.
        const key = byKey === undefined && tk.key.startsWith('l:subject:') ? `${tk.key}\n${incoming.providerMessageId}` : tk.key;
        threadId = Number(this.#s.insertThread.run(accountId, key, tk.providerThreadId, parsed.subject, base, receivedAt).lastInsertRowid);
      }
      threads.set(tk.key, threadId);
      touched.add(threadId);

      // The index row goes before the key changes; the new key is the row's, written with it (no second write).
      // A message saved again within the same second keeps its key.
      const currentKey = existing ? this.#s.searchKey.get(existing.id) : null;
      if (currentKey != null) this.#index.remove(currentKey);
      const values = { ...messageValues(incoming, parsed, threadId, now, encoded), search_key: this.#index.keyFor(receivedAt, currentKey) };
      let messageId: number;
      if (existing) {
        messageId = existing.id;
        touched.add(existing.thread_id);
        this.#s.updateMessage.run({ ...values, id: messageId });
        this.#participants.clear(messageId);
        this.#s.clearLabels.run(messageId);
        updated += 1;
      } else {
        const row = { ...values, account_id: accountId, provider_message_id: incoming.providerMessageId };
        messageId = Number(this.#s.insertMessage.run(row).lastInsertRowid);
        inserted += 1;
      }

      this.#participants.add(messageId, parsed, addresses);
      for (const providerLabelId of new Set(incoming.labels)) {
        this.#s.addLabel.run(messageId, this.#labelId(accountId, providerLabelId, labels));
      }
      this.#index.add(values.search_key, {
        subject: parsed.subject,
        sender: [...(parsed.from ? [parsed.from] : []), ...parsed.replyTo],
        recipients: [...parsed.to, ...parsed.cc, ...parsed.bcc],
        body: parsed.text,
        attachmentNames: parsed.attachments.flatMap((a) => (a.filename ? [a.filename] : [])),
      });
    }
    for (const threadId of touched) this.#recount(threadId);
    return { inserted, updated };
  }

  #delete(accountId: number, providerMessageIds: readonly string[]): number {
    const touched = new Set<number>();
    let deleted = 0;
    for (const providerId of providerMessageIds) {
      const existing = this.#s.existing.get(accountId, providerId);
      if (!existing) continue;
      this.#s.deleteMessage.run(existing.id); // the FTS row goes with it (trigger)
      touched.add(existing.thread_id);
      deleted += 1;
    }
    for (const threadId of touched) this.#recount(threadId);
    return deleted;
  }

  #labels(accountId: number, providerId: string, added: readonly string[], removed: readonly string[]): boolean {
    const existing = this.#s.existing.get(accountId, providerId);
    if (!existing) return false;
    const cache = new Map<string, number>();
    for (const label of removed) this.#s.removeLabel.run(existing.id, accountId, label);
    for (const label of added) this.#s.addLabel.run(existing.id, this.#labelId(accountId, label, cache));
    const unread = this.labelsOf(existing.id).includes(UNREAD_LABEL);
    this.#s.setUnread.run(unread ? 1 : 0, this.#now(), existing.id);
    return true;
  }

  // The DELETE runs only for a thread left empty: with foreign_keys=ON it opens a statement
  // journal, and with it FTS5 syncs its pending index data, even when no row matches.
  #recount(threadId: number): void {
    this.#s.recountThread.run({ id: threadId });
    if (this.#s.messageCount.get(threadId) === 0) this.#s.dropEmptyThread.run(threadId);
  }

  #labelId(accountId: number, providerLabelId: string, cache: Map<string, number>): number {
    const cached = cache.get(providerLabelId);
    if (cached !== undefined) return cached;
    let id = this.#s.label.get(accountId, providerLabelId);
    if (id === undefined) {
      // Until upsertLabels supplies the real name, the id stands in for it.
      const type = SYSTEM_LABEL.test(providerLabelId) ? 'system' : 'user';
      id = Number(this.#s.insertLabel.run(accountId, providerLabelId, providerLabelId, type).lastInsertRowid);
    }
    cache.set(providerLabelId, id);
    return id;
  }
}
