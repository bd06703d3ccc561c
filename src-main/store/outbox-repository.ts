// The durable CRM outbox: one row per (message, CRM contact), keyed by an idempotency key,
// so a log click survives restarts, offline spells and crashes, and is sent in order per contact.
import type { ActivityRepository } from './activity-repository.ts';
import type { EmailActivity } from '../crm/types.ts';
import type { Db } from './types.ts';

export type OutboxState = 'pending' | 'in_flight' | 'unknown' | 'done' | 'failed';
/** Why a live item waits: the kind of the last failure, or `paused` (CRM not connected). */
export type OutboxWaitReason = 'unreachable' | 'rate_limited' | 'server' | 'auth' | 'paused';

export interface OutboxItem {
  id: number;
  idempotencyKey: string;
  crm: string;
  /** Local message id; null once the message was deleted (the payload snapshot remains). */
  messageId: number | null;
  contactId: number | null;
  crmContactId: string;
  contactEmail: string;
  payload: EmailActivity;
  state: OutboxState;
  attempts: number;
  /** ms since the epoch. */
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  waitReason: OutboxWaitReason | null;
  lastError: string | null;
  crmActivityId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface EnqueueInput {
  crm: string;
  messageId: number | null;
  contactId: number | null;
  crmContactId: string;
  contactEmail: string;
  payload: EmailActivity;
}

interface Row {
  id: number;
  idempotency_key: string;
  crm: string;
  message_id: number | null;
  contact_id: number | null;
  crm_contact_id: string;
  contact_email: string;
  payload_json: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  wait_reason: OutboxWaitReason | null;
  last_error: string | null;
  crm_activity_id: string | null;
  created_at: number;
  updated_at: number;
}

const LIVE = "('pending', 'unknown', 'in_flight')";

/**
 * What "logged" means, everywhere it is shown (inbox row, thread view, timeline): an outbox
 * item is done, i.e. the CRM accepted the email (its activity row is written in the same
 * transaction). The SQL form serves the inbox query; isLogged serves the fold in crm/log-states.ts.
 */
export const LOGGED_ITEM_SQL = "state = 'done'";
export const isLogged = (item: Pick<OutboxItem, 'state'>): boolean => item.state === 'done';

// The head of each contact's queue is its oldest live item; only heads that are waiting
// (pending/unknown, not in flight) and due may go. A later item never overtakes an
// earlier one that is in flight or backing off. Exported for the query-plan test.
const IS_HEAD = `NOT EXISTS (SELECT 1 FROM outbox e WHERE e.crm = o.crm AND e.crm_contact_id = o.crm_contact_id
    AND e.id < o.id AND e.state IN ${LIVE})`;
export const CLAIM_DUE_SQL = `SELECT o.* FROM outbox o
  WHERE o.state IN ('pending', 'unknown') AND o.next_attempt_at <= @now AND (@crm IS NULL OR o.crm = @crm) AND ${IS_HEAD}
  ORDER BY o.next_attempt_at, o.id LIMIT @limit`;
/** The newest error of a not-done item; exported for the plan test (done rows, the bulk, are never read). */
export const LAST_ERROR_SQL = `SELECT last_error FROM outbox WHERE state IN ('pending', 'unknown', 'in_flight', 'failed')
  AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1`;
export const NEXT_DUE_SQL = `SELECT min(o.next_attempt_at) FROM outbox o
  WHERE o.state IN ('pending', 'unknown') AND (@crm IS NULL OR o.crm = @crm) AND ${IS_HEAD}`;

export class OutboxRepository {
  readonly #now: () => number;
  readonly #s;
  readonly #enqueue;
  readonly #markDone;

  /** `activities` records what the CRM holds, in the same transaction that closes an item (markDone). */
  constructor(db: Db, activities: ActivityRepository, now: () => number = Date.now) {
    this.#now = now;
    this.#s = {
      insert: db.prepare<[Record<string, unknown>]>(
        `INSERT INTO outbox (idempotency_key, crm, message_id, contact_id, crm_contact_id, contact_email, payload_json,
           next_attempt_at, created_at, updated_at)
         VALUES (@key, @crm, @messageId, @contactId, @crmContactId, @contactEmail, @payload, @now, @now, @now)
         ON CONFLICT (idempotency_key) DO NOTHING`,
      ),
      byKey: db.prepare<[string], Row>('SELECT * FROM outbox WHERE idempotency_key = ?'),
      byId: db.prepare<[number], Row>('SELECT * FROM outbox WHERE id = ?'),
      claimDue: db.prepare<[{ now: number; limit: number; crm: string | null }], Row>(CLAIM_DUE_SQL),
      nextDue: db.prepare<[{ crm: string | null }], number | null>(NEXT_DUE_SQL).pluck(),
      inFlight: db.prepare<[{ now: number; id: number }]>(
        `UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, last_attempt_at = @now, updated_at = @now
         WHERE id = @id AND state IN ('pending', 'unknown')`,
      ),
      done: db.prepare<[string, number, number]>(
        `UPDATE outbox SET state = 'done', crm_activity_id = ?, wait_reason = NULL, last_error = NULL, updated_at = ?
         WHERE id = ?`,
      ),
      retry: db.prepare<[string, number, string, string | null, number, number]>(
        `UPDATE outbox SET state = ?, next_attempt_at = ?, wait_reason = ?, last_error = ?, updated_at = ?
         WHERE id = ? AND state IN ${LIVE}`,
      ),
      failed: db.prepare<[string, number, number]>(
        `UPDATE outbox SET state = 'failed', wait_reason = NULL, last_error = ?, updated_at = ? WHERE id = ?`,
      ),
      retryFailed: db.prepare<[{ now: number; id: number }]>(
        `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = @now, wait_reason = NULL, last_error = NULL,
           updated_at = @now WHERE id = @id AND state = 'failed'`,
      ),
      retireLive: db.prepare<[{ crm: string; archiveCrm: string; reason: string; now: number }]>(
        `UPDATE outbox SET crm = @archiveCrm, state = 'failed', wait_reason = NULL, last_error = @reason, updated_at = @now
         WHERE crm = @crm AND state IN ${LIVE}`,
      ),
      wakeWaiting: db.prepare<[{ now: number }]>(
        `UPDATE outbox SET next_attempt_at = @now WHERE state IN ('pending', 'unknown') AND next_attempt_at > @now
           AND (wait_reason IS NULL OR wait_reason IN ('unreachable', 'server', 'auth', 'paused'))`,
      ),
      resetInFlight: db.prepare<[{ now: number }]>(
        `UPDATE outbox SET state = 'unknown', next_attempt_at = @now, updated_at = @now WHERE state = 'in_flight'`,
      ),
      byMessages: db.prepare<[string], Row>(
        `SELECT * FROM outbox WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, id`,
      ),
      counts: db.prepare<[], { live: number; failed: number }>(
        `SELECT (SELECT count(*) FROM outbox WHERE state IN ${LIVE}) AS live,
           (SELECT count(*) FROM outbox WHERE state = 'failed') AS failed`,
      ),
      lastError: db.prepare<[], string | null>(LAST_ERROR_SQL).pluck(),
    };
    this.#enqueue = db.transaction((input: EnqueueInput): { item: OutboxItem; created: boolean } => {
      const now = this.#now();
      const key = input.payload.idempotencyKey;
      const created = this.#s.insert.run({
        key,
        crm: input.crm,
        messageId: input.messageId,
        contactId: input.contactId,
        crmContactId: input.crmContactId,
        contactEmail: input.contactEmail,
        payload: JSON.stringify(input.payload),
        now,
      }).changes > 0;
      return { item: toItem(this.#s.byKey.get(key)!), created };
    });
    this.#markDone = db.transaction((id: number, crmActivityId: string): OutboxItem | null => {
      const row = this.#s.byId.get(id);
      if (!row) return null;
      this.#s.done.run(crmActivityId, this.#now(), id);
      if (row.contact_id !== null) activities.record({ messageId: row.message_id, contactId: row.contact_id, crm: row.crm, crmActivityId });
      return toItem(this.#s.byId.get(id)!);
    });
  }

  /**
   * Adds an item due now. Idempotent on `payload.idempotencyKey`: a second enqueue of the
   * same key changes nothing and returns the existing row with `created: false`.
   */
  enqueue(input: EnqueueInput): { item: OutboxItem; created: boolean } {
    return this.#enqueue.immediate(input);
  }

  get(id: number): OutboxItem | null {
    const row = this.#s.byId.get(id);
    return row ? toItem(row) : null;
  }

  /**
   * Up to `limit` items (oldest due first) that may be sent at `now` (ms): per contact only
   * the head of its queue, and only when that head is pending/unknown and due. With `crm`,
   * only items queued for that CRM: an item is never sent to another CRM than it was queued for.
   */
  claimDue(now: number, limit: number, crm: string | null = null): OutboxItem[] {
    return this.#s.claimDue.all({ now, limit, crm }).map(toItem);
  }

  /** When the next queue head becomes due (ms), or null when nothing waits; only `crm`'s items when given. */
  nextDueAt(crm: string | null = null): number | null {
    return this.#s.nextDue.get({ crm }) ?? null;
  }

  /**
   * Records, durably and before the request goes out, that an attempt starts; counts the
   * attempt. Returns false when the item is no longer pending/unknown.
   */
  markInFlight(id: number): boolean {
    return this.#s.inFlight.run({ now: this.#now(), id }).changes > 0;
  }

  /** The CRM created the activity: item done and the activity row recorded, in one transaction. */
  markDone(id: number, crmActivityId: string): OutboxItem | null {
    return this.#markDone.immediate(id, crmActivityId);
  }

  /**
   * Puts a live item back to wait until `nextAttemptAt` (ms). `outcome: 'unknown'` when the
   * attempt may have reached the CRM, so the next attempt checks the CRM first.
   */
  markRetry(id: number, nextAttemptAt: number, reason: OutboxWaitReason, error: string | null, outcome: 'pending' | 'unknown' = 'pending'): void {
    this.#s.retry.run(outcome, nextAttemptAt, reason, error, this.#now(), id);
  }

  /**
   * The CRM account changed: live items were addressed to the old account's contacts, so they
   * fail with `reason` and move to `archiveCrm` (retry refuses them; logging the email again
   * queues it for the new account's contacts). Returns how many.
   */
  retireLive(crm: string, archiveCrm: string, reason: string): number {
    return this.#s.retireLive.run({ crm, archiveCrm, reason, now: this.#now() }).changes;
  }

  /** Gives up on an item with the CRM's reason; the rep can retry it. */
  markFailed(id: number, reason: string): void {
    this.#s.failed.run(reason, this.#now(), id);
  }

  /** A failed item goes back to the queue, due now. Returns false when it is not failed. */
  retryFailed(id: number): boolean {
    return this.#s.retryFailed.run({ now: this.#now(), id }).changes > 0;
  }

  /** Makes every item waiting for the network, a server error or a reconnect due now (Retry-After waits stay). */
  wakeWaiting(): number {
    return this.#s.wakeWaiting.run({ now: this.#now() }).changes;
  }

  /**
   * At start-up: items found in flight were interrupted with an unknown outcome; they become
   * `unknown`, due now, so the CRM is asked before they are sent again. Returns how many.
   */
  resetInFlight(): number {
    return this.#s.resetInFlight.run({ now: this.#now() }).changes;
  }

  /** The items of these messages, by message then id. */
  listByMessages(messageIds: readonly number[]): OutboxItem[] {
    if (messageIds.length === 0) return [];
    return this.#s.byMessages.all(JSON.stringify(messageIds)).map(toItem);
  }

  /** Live (pending, unknown, in flight) and failed item counts, and the newest error of a not-done item. */
  summary(): { pending: number; failed: number; lastError: string | null } {
    const { live, failed } = this.#s.counts.get()!;
    return { pending: live, failed, lastError: this.#s.lastError.get() ?? null };
  }
}

function toItem(row: Row): OutboxItem {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    crm: row.crm,
    messageId: row.message_id,
    contactId: row.contact_id,
    crmContactId: row.crm_contact_id,
    contactEmail: row.contact_email,
    payload: JSON.parse(row.payload_json) as EmailActivity,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    waitReason: row.wait_reason,
    lastError: row.last_error,
    crmActivityId: row.crm_activity_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
