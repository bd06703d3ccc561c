// Drafts the rep is writing, saved as they type so a crash or a restart loses nothing: the
// recipients, subject, body and quoted original, and the attached files' bytes (inside the
// encrypted database, like the mail itself).
import type { Db } from './types.ts';

export type ComposeModeName = 'new' | 'reply' | 'reply-all' | 'forward';

export interface DraftRecipient {
  address: string;
  name: string;
}

export interface DraftRecord {
  id: number;
  accountId: number;
  mode: ComposeModeName;
  sourceMessageId: number | null;
  threadId: number | null;
  to: DraftRecipient[];
  cc: DraftRecipient[];
  bcc: DraftRecipient[];
  subject: string;
  html: string;
  quotedHtml: string;
  /** Message-ID replied to (without <>), for In-Reply-To (RFC 5322 §3.6.4). */
  inReplyTo: string | null;
  /** References of the reply, oldest first, without <>. */
  references: string[];
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  /** Log the sent message to the CRM once the provider has it. */
  logToCrm: boolean;
  updatedAt: number;
}

export interface DraftAttachmentContent {
  filename: string;
  contentType: string;
  content: Buffer;
}

export type NewDraft = Omit<DraftRecord, 'id' | 'attachments' | 'updatedAt'>;
export type DraftChanges = Partial<Pick<DraftRecord, 'to' | 'cc' | 'bcc' | 'subject' | 'html' | 'quotedHtml' | 'logToCrm'>>;

interface Row {
  id: number;
  account_id: number;
  mode: ComposeModeName;
  source_message_id: number | null;
  thread_id: number | null;
  recipients_json: string;
  subject: string;
  html: string;
  quoted_html: string;
  in_reply_to: string | null;
  references_json: string;
  log_to_crm: number;
  updated_at: number;
}

export class DraftRepository {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #s;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#s = {
      insert: db.prepare<[Record<string, unknown>]>(
        `INSERT INTO drafts (account_id, mode, source_message_id, thread_id, recipients_json, subject, html, quoted_html,
           in_reply_to, references_json, log_to_crm, created_at, updated_at)
         VALUES (@account_id, @mode, @source_message_id, @thread_id, @recipients_json, @subject, @html, @quoted_html,
           @in_reply_to, @references_json, @log_to_crm, @now, @now)`,
      ),
      get: db.prepare<[number], Row>('SELECT * FROM drafts WHERE id = ?'),
      list: db.prepare<[], Row>('SELECT * FROM drafts ORDER BY updated_at DESC, id DESC'),
      update: db.prepare<[Record<string, unknown>]>(
        `UPDATE drafts SET recipients_json = @recipients_json, subject = @subject, html = @html, quoted_html = @quoted_html,
           log_to_crm = @log_to_crm, updated_at = @now WHERE id = @id`,
      ),
      delete: db.prepare<[number]>('DELETE FROM drafts WHERE id = ?'),
      attachments: db.prepare<[number], { filename: string; content_type: string; size: number }>(
        'SELECT filename, content_type, length(content) AS size FROM draft_attachments WHERE draft_id = ? ORDER BY position',
      ),
      contents: db.prepare<[number], { filename: string; content_type: string; content: Buffer }>(
        'SELECT filename, content_type, content FROM draft_attachments WHERE draft_id = ? ORDER BY position',
      ),
      nextPosition: db.prepare<[number], number>('SELECT coalesce(max(position) + 1, 0) FROM draft_attachments WHERE draft_id = ?').pluck(),
      attach: db.prepare<[number, number, string, string, Buffer]>(
        'INSERT INTO draft_attachments (draft_id, position, filename, content_type, content) VALUES (?, ?, ?, ?, ?)',
      ),
      positions: db.prepare<[number], number>('SELECT position FROM draft_attachments WHERE draft_id = ? ORDER BY position').pluck(),
      detach: db.prepare<[number, number]>('DELETE FROM draft_attachments WHERE draft_id = ? AND position = ?'),
      touch: db.prepare<[number, number]>('UPDATE drafts SET updated_at = ? WHERE id = ?'),
    };
  }

  create(draft: NewDraft, attachments: readonly DraftAttachmentContent[] = []): DraftRecord {
    return this.#db.transaction(() => {
      const id = Number(
        this.#s.insert.run({
          account_id: draft.accountId,
          mode: draft.mode,
          source_message_id: draft.sourceMessageId,
          thread_id: draft.threadId,
          recipients_json: JSON.stringify({ to: draft.to, cc: draft.cc, bcc: draft.bcc }),
          subject: draft.subject,
          html: draft.html,
          quoted_html: draft.quotedHtml,
          in_reply_to: draft.inReplyTo,
          references_json: JSON.stringify(draft.references),
          log_to_crm: draft.logToCrm ? 1 : 0,
          now: this.#now(),
        }).lastInsertRowid,
      );
      attachments.forEach((a, position) => this.#s.attach.run(id, position, a.filename, a.contentType, a.content));
      return this.get(id)!;
    }).immediate();
  }

  get(id: number): DraftRecord | null {
    const row = this.#s.get.get(id);
    return row ? this.#record(row) : null;
  }

  list(): DraftRecord[] {
    return this.#s.list.all().map((row) => this.#record(row));
  }

  /** Applies the rep's edits; null when the draft is gone (sent or discarded meanwhile). */
  update(id: number, changes: DraftChanges): DraftRecord | null {
    const current = this.get(id);
    if (!current) return null;
    const next = { ...current, ...changes };
    this.#s.update.run({
      id,
      recipients_json: JSON.stringify({ to: next.to, cc: next.cc, bcc: next.bcc }),
      subject: next.subject,
      html: next.html,
      quoted_html: next.quotedHtml,
      log_to_crm: next.logToCrm ? 1 : 0,
      now: this.#now(),
    });
    return this.get(id);
  }

  delete(id: number): boolean {
    return this.#s.delete.run(id).changes > 0;
  }

  /** The attached files with their bytes, in the order attached. */
  attachmentContents(id: number): DraftAttachmentContent[] {
    return this.#s.contents.all(id).map((r) => ({ filename: r.filename, contentType: r.content_type, content: r.content }));
  }

  attach(id: number, attachment: DraftAttachmentContent): void {
    this.#db.transaction(() => {
      this.#s.attach.run(id, this.#s.nextPosition.get(id)!, attachment.filename, attachment.contentType, attachment.content);
      this.#s.touch.run(this.#now(), id);
    }).immediate();
  }

  /** Removes the `index`-th attachment (0-based, in the order listed); false when there is none. */
  detach(id: number, index: number): boolean {
    const position = this.#s.positions.all(id)[index];
    if (position === undefined) return false;
    this.#s.detach.run(id, position);
    this.#s.touch.run(this.#now(), id);
    return true;
  }

  #record(row: Row): DraftRecord {
    const recipients = JSON.parse(row.recipients_json) as Pick<DraftRecord, 'to' | 'cc' | 'bcc'>;
    return {
      id: row.id,
      accountId: row.account_id,
      mode: row.mode,
      sourceMessageId: row.source_message_id,
      threadId: row.thread_id,
      ...recipients,
      subject: row.subject,
      html: row.html,
      quotedHtml: row.quoted_html,
      inReplyTo: row.in_reply_to,
      references: JSON.parse(row.references_json) as string[],
      attachments: this.#s.attachments.all(row.id).map((a) => ({ filename: a.filename, contentType: a.content_type, size: a.size })),
      logToCrm: row.log_to_crm === 1,
      updatedAt: row.updated_at,
    };
  }
}
