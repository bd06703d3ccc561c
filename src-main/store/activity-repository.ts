// Emails logged to the CRM, per (message, contact), with the CRM's activity id: the local
// record of what the CRM holds. Written by OutboxRepository.markDone in the same transaction
// that closes the outbox item, so a done item and its activity never disagree.
import type { Db } from './types.ts';

export interface ActivityRecord {
  id: number;
  messageId: number | null;
  contactId: number;
  crm: string;
  crmActivityId: string;
  loggedAt: number;
}

interface Row {
  id: number;
  message_id: number | null;
  contact_id: number;
  crm: string;
  crm_activity_id: string;
  logged_at: number;
}

export class ActivityRepository {
  readonly #now: () => number;
  readonly #s;

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#s = {
      record: db.prepare<[number | null, number, string, string, number]>(
        `INSERT INTO activities (message_id, contact_id, crm, crm_activity_id, logged_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (crm, crm_activity_id) DO NOTHING`,
      ),
      byMessages: db.prepare<[string], Row>(
        'SELECT * FROM activities WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, id',
      ),
    };
  }

  /** Records an activity the CRM holds (idempotent on (crm, crmActivityId)). */
  record(input: { messageId: number | null; contactId: number; crm: string; crmActivityId: string }): void {
    this.#s.record.run(input.messageId, input.contactId, input.crm, input.crmActivityId, this.#now());
  }

  /** The activities of these messages. */
  listByMessages(messageIds: readonly number[]): ActivityRecord[] {
    if (!messageIds.length) return [];
    return this.#s.byMessages.all(JSON.stringify(messageIds)).map((r) => ({
      id: r.id,
      messageId: r.message_id,
      contactId: r.contact_id,
      crm: r.crm,
      crmActivityId: r.crm_activity_id,
      loggedAt: r.logged_at,
    }));
  }

  /** Which of these messages have at least one activity. */
  loggedMessageIds(messageIds: readonly number[]): Set<number> {
    return new Set(this.listByMessages(messageIds).map((a) => a.messageId!).filter((id) => id !== null));
  }
}
