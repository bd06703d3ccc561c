// The mail action queue: what the rep did to conversations (read, star, archive, trash),
// applied to the local copy at once and kept, in order, until the provider has it. Until
// then a sync that brings the provider's older state is overruled by `reapplyPending`, so
// an unread dot never comes back for a thread the rep has read.
import type { MessageRepository } from './message-repository.ts';
import type { Db } from './types.ts';

/** `label` / `unlabel` carry the provider label (Outlook, IMAP: folder) id as the effect's only added / removed label. */
export type MailActionName = 'read' | 'unread' | 'star' | 'unstar' | 'archive' | 'trash' | 'inbox' | 'label' | 'unlabel';

/** The local side of an action: provider label ids added and removed, or the messages deleted (trash). */
export interface LabelEffect {
  added: string[];
  removed: string[];
  /** Trash: the messages leave the local copy, as a sync leaves out the provider's trash. */
  deleted: boolean;
}

export interface MailActionItem {
  id: number;
  accountId: number;
  action: MailActionName;
  providerIds: string[];
  effect: LabelEffect;
  attempts: number;
  nextAttemptAt: number;
}

/** A stored message an action can name: the provider's id, with what it holds now. */
export interface ActionTarget {
  accountId: number;
  threadId: number;
  providerMessageId: string;
  receivedAt: number;
  /** Filed in the Inbox (Gmail INBOX, Outlook's Inbox folder). */
  inInbox: boolean;
  /** Filed in Sent (Gmail SENT, Outlook's Sent Items). */
  inSent: boolean;
}

interface Row {
  id: number;
  account_id: number;
  action: MailActionName;
  provider_ids_json: string;
  labels_json: string;
  attempts: number;
  next_attempt_at: number;
}

const toItem = (r: Row): MailActionItem => ({
  id: r.id,
  accountId: r.account_id,
  action: r.action,
  providerIds: JSON.parse(r.provider_ids_json) as string[],
  effect: JSON.parse(r.labels_json) as LabelEffect,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
});

export class MailActionRepository {
  readonly #db: Db;
  readonly #messages: MessageRepository;
  readonly #now: () => number;
  readonly #s;

  constructor(db: Db, messages: MessageRepository, now: () => number = Date.now) {
    this.#db = db;
    this.#messages = messages;
    this.#now = now;
    this.#s = {
      targets: db.prepare<[number], Omit<ActionTarget, 'inInbox' | 'inSent'> & { inInbox: number; inSent: number }>(
        `SELECT m.account_id AS accountId, m.thread_id AS threadId, m.provider_message_id AS providerMessageId, m.received_at AS receivedAt,
           EXISTS (SELECT 1 FROM message_labels ml JOIN labels l ON l.id = ml.label_id
             WHERE ml.message_id = m.id AND (l.provider_label_id = 'INBOX' OR l.role = 'inbox')) AS inInbox,
           EXISTS (SELECT 1 FROM message_labels ml JOIN labels l ON l.id = ml.label_id
             WHERE ml.message_id = m.id AND (l.provider_label_id = 'SENT' OR l.role = 'sent')) AS inSent
           FROM messages m WHERE m.thread_id = ? ORDER BY m.received_at, m.id`,
      ),
      insert: db.prepare<[number, string, string, string, number, number, number]>(
        `INSERT INTO mail_actions (account_id, action, provider_ids_json, labels_json, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      pending: db.prepare<[number], Row>(`SELECT * FROM mail_actions WHERE account_id = ? AND state = 'pending' ORDER BY id`),
      pendingAccounts: db.prepare<[], { account_id: number; due: number }>(
        `SELECT account_id, min(next_attempt_at) AS due FROM mail_actions WHERE state = 'pending' GROUP BY account_id`,
      ),
      setProviderIds: db.prepare<[string, number, number]>(`UPDATE mail_actions SET provider_ids_json = ?, updated_at = ? WHERE id = ?`),
      done: db.prepare<[number, number]>(`UPDATE mail_actions SET state = 'done', last_error = NULL, updated_at = ? WHERE id = ?`),
      retry: db.prepare<[string, number, number, number]>(
        `UPDATE mail_actions SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
      ),
      failed: db.prepare<[string, number, number]>(
        `UPDATE mail_actions SET state = 'failed', attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?`,
      ),
      label: db.prepare<[number], { accountId: number; providerLabelId: string }>(
        'SELECT account_id AS accountId, provider_label_id AS providerLabelId FROM labels WHERE id = ?',
      ),
      labelIdOf: db.prepare<[number, string], number>('SELECT id FROM labels WHERE account_id = ? AND provider_label_id = ?').pluck(),
      roleLabel: db.prepare<[number, string], string>('SELECT provider_label_id FROM labels WHERE account_id = ? AND role = ?').pluck(),
      clearRole: db.prepare<[number, string]>('UPDATE labels SET role = NULL WHERE account_id = ? AND role = ?'),
      setRole: db.prepare<[string, number, string]>('UPDATE labels SET role = ? WHERE account_id = ? AND provider_label_id = ?'),
    };
  }

  /** The stored messages of these threads, oldest first per thread (unknown ids are skipped). */
  targets(threadIds: readonly number[]): ActionTarget[] {
    return threadIds.flatMap((id) => this.#s.targets.all(id).map((t) => ({ ...t, inInbox: t.inInbox === 1, inSent: t.inSent === 1 })));
  }

  /**
   * Records the action and applies `effect` to the local copy in one transaction; returns
   * the queue item's id. The provider hears of it when `deliver…` takes it (in id order).
   */
  enqueue(accountId: number, action: MailActionName, providerIds: readonly string[], effect: LabelEffect): number {
    return this.#db.transaction(() => {
      const now = this.#now();
      const id = Number(
        this.#s.insert.run(accountId, action, JSON.stringify(providerIds), JSON.stringify(effect), now, now, now).lastInsertRowid,
      );
      this.#apply(accountId, providerIds, effect);
      return id;
    }).immediate();
  }

  /** The account's undelivered actions, oldest first. */
  pending(accountId: number): MailActionItem[] {
    return this.#s.pending.all(accountId).map(toItem);
  }

  /** Accounts with undelivered actions, with the earliest time one is due (ms). */
  pendingAccounts(): Array<{ accountId: number; dueAt: number }> {
    return this.#s.pendingAccounts.all().map((r) => ({ accountId: r.account_id, dueAt: r.due }));
  }

  markDone(id: number): void {
    this.#s.done.run(this.#now(), id);
  }

  /** Keeps the item for another attempt at `nextAttemptAt` (ms), with why this one failed. */
  markRetry(id: number, error: string, nextAttemptAt: number): void {
    this.#s.retry.run(error, nextAttemptAt, this.#now(), id);
  }

  /** The provider refused it for good: the local copy follows the provider again from the next sync. */
  markFailed(id: number, error: string): void {
    this.#s.failed.run(error, this.#now(), id);
  }

  /**
   * Re-applies the effects of undelivered actions on these messages (all of the account's
   * when `providerIds` is omitted), in the order the rep made them: called after a sync has
   * written the provider's state, which may predate them.
   */
  reapplyPending(accountId: number, providerIds?: ReadonlySet<string>): void {
    const items = this.pending(accountId);
    if (!items.length) return;
    this.#db.transaction(() => {
      for (const item of items) {
        const ids = providerIds ? item.providerIds.filter((id) => providerIds.has(id)) : item.providerIds;
        if (ids.length) this.#apply(accountId, ids, item.effect);
      }
    }).immediate();
  }

  /**
   * Undelivered actions follow messages the store renamed ([from, to] provider ids: an IMAP
   * folder's new UIDVALIDITY), so they reach the message under its new id and are laid back
   * over it. Call inside the transaction that renames.
   */
  renameTargets(accountId: number, renames: ReadonlyArray<readonly [from: string, to: string]>): void {
    const to = new Map(renames);
    for (const item of this.pending(accountId)) {
      if (!item.providerIds.some((id) => to.has(id))) continue;
      this.#s.setProviderIds.run(JSON.stringify(item.providerIds.map((id) => to.get(id) ?? id)), this.#now(), item.id);
    }
  }

  /** The provider label id that plays `role` (inbox, archive, trash, sent) in the account, or null. */
  roleLabel(accountId: number, role: string): string | null {
    return this.#s.roleLabel.get(accountId, role) ?? null;
  }

  /** Local ids of these provider labels of the account (unknown ones left out). */
  labelIdsOf(accountId: number, providerLabelIds: readonly string[]): number[] {
    return providerLabelIds.map((id) => this.#s.labelIdOf.get(accountId, id)).filter((id): id is number => id !== undefined);
  }

  /** Local label `labelId`'s account and provider id (Gmail label id, Outlook folder id, IMAP folder path), or null. */
  label(labelId: number): { accountId: number; providerLabelId: string } | null {
    return this.#s.label.get(labelId) ?? null;
  }

  /** Records which labels play which role (Graph's well-known folders); labels must be stored already. */
  setRoles(accountId: number, roles: Readonly<Record<string, string>>): void {
    this.#db.transaction(() => {
      for (const [role, providerLabelId] of Object.entries(roles)) {
        this.#s.clearRole.run(accountId, role);
        this.#s.setRole.run(role, accountId, providerLabelId);
      }
    })();
  }

  #apply(accountId: number, providerIds: readonly string[], effect: LabelEffect): void {
    if (effect.deleted) {
      this.#messages.deleteMessages(accountId, providerIds);
      return;
    }
    for (const id of providerIds) this.#messages.applyLabelChanges(accountId, id, effect.added, effect.removed);
  }
}
