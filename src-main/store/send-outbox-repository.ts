// The send outbox: each message the rep sent, as the exact MIME that will leave, waiting for
// its time (the undo window or "send later"), for the network, or for a retry. Its key is the
// Message-ID inside that MIME, so an attempt whose outcome is unknown can be looked up at the
// provider before another is made: a message leaves once.
import type { Db } from './types.ts';

export type SendStateName = 'scheduled' | 'pending' | 'sending' | 'sent' | 'failed';

export interface SendRecord {
  id: number;
  accountId: number;
  draftId: number | null;
  /** The Message-ID written into `raw`, without <>. */
  messageIdHeader: string;
  /** Gmail threadId of the conversation a reply joins; null otherwise. */
  providerThreadId: string | null;
  subject: string;
  recipients: string[];
  state: SendStateName;
  /** ms since the epoch. */
  sendAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  providerMessageId: string | null;
}

export interface NewSend {
  accountId: number;
  draftId: number;
  messageIdHeader: string;
  providerThreadId: string | null;
  subject: string;
  recipients: string[];
  raw: Buffer;
  sendAt: number;
  /** When to hand it to the provider: `sendAt`, or sooner when the provider holds it until then. */
  nextAttemptAt: number;
  logToCrm: boolean;
}

interface Row {
  id: number;
  account_id: number;
  draft_id: number | null;
  message_id_header: string;
  provider_thread_id: string | null;
  subject: string;
  recipients_json: string;
  state: SendStateName;
  send_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  provider_message_id: string | null;
}

const COLUMNS = `id, account_id, draft_id, message_id_header, provider_thread_id, subject, recipients_json, state, send_at,
  attempts, next_attempt_at, last_error, provider_message_id`;

const toRecord = (r: Row): SendRecord => ({
  id: r.id,
  accountId: r.account_id,
  draftId: r.draft_id,
  messageIdHeader: r.message_id_header,
  providerThreadId: r.provider_thread_id,
  subject: r.subject,
  recipients: JSON.parse(r.recipients_json) as string[],
  state: r.state,
  sendAt: r.send_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  providerMessageId: r.provider_message_id,
});

export class SendOutboxRepository {
  readonly #now: () => number;
  readonly #s;

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#s = {
      insert: db.prepare<[Record<string, unknown>]>(
        `INSERT INTO send_outbox (account_id, draft_id, message_id_header, provider_thread_id, subject, recipients_json, raw,
           state, send_at, next_attempt_at, log_to_crm, created_at, updated_at)
         VALUES (@account_id, @draft_id, @message_id_header, @provider_thread_id, @subject, @recipients_json, @raw,
           'scheduled', @send_at, @next_attempt_at, @log_to_crm, @now, @now)`,
      ),
      get: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM send_outbox WHERE id = ?`),
      raw: db.prepare<[number], Buffer>('SELECT raw FROM send_outbox WHERE id = ?').pluck(),
      due: db.prepare<[number], Row>(
        `SELECT ${COLUMNS} FROM send_outbox WHERE state IN ('scheduled', 'pending', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id`,
      ),
      nextDue: db.prepare<[], number | null>(
        `SELECT min(next_attempt_at) FROM send_outbox WHERE state IN ('scheduled', 'pending', 'sending')`,
      ).pluck(),
      recent: db.prepare<[number], Row>(
        `SELECT ${COLUMNS} FROM send_outbox WHERE state != 'sent' OR updated_at >= ? ORDER BY send_at DESC, id DESC`,
      ),
      claim: db.prepare<[number, number]>(
        `UPDATE send_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`,
      ),
      sent: db.prepare<[string | null, number, number]>(
        `UPDATE send_outbox SET state = 'sent', provider_message_id = ?, last_error = NULL, updated_at = ? WHERE id = ?`,
      ),
      retry: db.prepare<[string, number, number, number]>(
        `UPDATE send_outbox SET state = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
      ),
      failed: db.prepare<[string, number, number]>(`UPDATE send_outbox SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?`),
      requeue: db.prepare<[number, number, number]>(
        `UPDATE send_outbox SET state = 'pending', next_attempt_at = ?, last_error = NULL, updated_at = ? WHERE id = ? AND state = 'failed'`,
      ),
      takeBack: db.prepare<[number]>(`DELETE FROM send_outbox WHERE id = ? AND state IN ('scheduled', 'pending', 'failed')`),
      logChoice: db.prepare<[number, string], number>(
        `SELECT log_to_crm FROM send_outbox WHERE account_id = ? AND message_id_header = ? AND state = 'sent'`,
      ).pluck(),
      toLog: db.prepare<[], { sendId: number; messageId: number }>(
        `SELECT s.id AS sendId, m.id AS messageId FROM send_outbox s
           JOIN messages m ON m.account_id = s.account_id AND m.message_id_header = s.message_id_header
          WHERE s.state = 'sent' AND s.log_to_crm = 1`,
      ),
      logged: db.prepare<[number, number]>('UPDATE send_outbox SET log_to_crm = 2, updated_at = ? WHERE id = ?'),
      queuedDraft: db.prepare<[number], number>(
        `SELECT 1 FROM send_outbox WHERE draft_id = ? AND state != 'sent' LIMIT 1`,
      ).pluck(),
    };
  }

  /** Queues a message as `scheduled` until `nextAttemptAt`; returns it. */
  insert(send: NewSend): SendRecord {
    const id = Number(
      this.#s.insert.run({
        account_id: send.accountId,
        draft_id: send.draftId,
        message_id_header: send.messageIdHeader,
        provider_thread_id: send.providerThreadId,
        subject: send.subject,
        recipients_json: JSON.stringify(send.recipients),
        raw: send.raw,
        send_at: send.sendAt,
        next_attempt_at: send.nextAttemptAt,
        log_to_crm: send.logToCrm ? 1 : 0,
        now: this.#now(),
      }).lastInsertRowid,
    );
    return this.get(id)!;
  }

  get(id: number): SendRecord | null {
    const row = this.#s.get.get(id);
    return row ? toRecord(row) : null;
  }

  /** The RFC 5322 bytes that leave. */
  raw(id: number): Buffer | null {
    return this.#s.raw.get(id) ?? null;
  }

  /** Items whose time has come (a `sending` one is an attempt a crash interrupted), oldest due first. */
  due(now: number = this.#now()): SendRecord[] {
    return this.#s.due.all(now).map(toRecord);
  }

  /** When the next item is due (ms), or null when nothing waits. */
  nextDueAt(): number | null {
    return this.#s.nextDue.get() ?? null;
  }

  /** Everything not yet sent, and what was sent since `sentSince` (ms), newest first. */
  recent(sentSince: number): SendRecord[] {
    return this.#s.recent.all(sentSince).map(toRecord);
  }

  /** Marks an attempt as started, before the provider is called: a crash now leaves `sending`. */
  claim(id: number): void {
    this.#s.claim.run(this.#now(), id);
  }

  markSent(id: number, providerMessageId: string | null): void {
    this.#s.sent.run(providerMessageId, this.#now(), id);
  }

  markRetry(id: number, error: string, nextAttemptAt: number): void {
    this.#s.retry.run(error, nextAttemptAt, this.#now(), id);
  }

  markFailed(id: number, error: string): void {
    this.#s.failed.run(error, this.#now(), id);
  }

  /** A failed item goes out again as soon as possible; false when it is not failed. */
  requeue(id: number): boolean {
    const now = this.#now();
    return this.#s.requeue.run(now, now, id).changes > 0;
  }

  /** Removes an item that has not been handed to the provider; false once it has. */
  takeBack(id: number): boolean {
    return this.#s.takeBack.run(id).changes > 0;
  }

  /**
   * The rep's "Log to CRM" choice for a message sent from here, found by its Message-ID
   * (without <>): true or false, or null for mail not sent from Mailbridge.
   */
  logChoice(accountId: number, messageIdHeader: string): boolean | null {
    const value = this.#s.logChoice.get(accountId, messageIdHeader);
    return value === undefined ? null : value !== 0;
  }

  /** Sent messages the rep asked to log whose sent copy has synced in: the stored message's id. */
  sentCopiesToLog(): Array<{ sendId: number; messageId: number }> {
    return this.#s.toLog.all();
  }

  /** The sent copy was handed to the CRM outbox, which takes it from here. */
  markLogged(sendId: number): void {
    this.#s.logged.run(this.#now(), sendId);
  }

  /** The draft waits in the outbox (hidden from the drafts list until sent or taken back). */
  isQueued(draftId: number): boolean {
    return this.#s.queuedDraft.get(draftId) !== undefined;
  }
}
