// The desktop inbox's reads: offset pages over every account's threads (a virtualised
// list jumps anywhere in 100,000 rows, so pages are addressed by position), filtered by
// account and label, with the unread / attachment / logged flags the list shows.
import { LOGGED_ITEM_SQL } from './outbox-repository.ts';
import { statementCache, type Statement } from './statement-cache.ts';
import type { Db } from './types.ts';

export interface InboxFilter {
  accountId?: number | undefined;
  labelId?: number | undefined;
}

export interface InboxRow {
  id: number;
  accountId: number;
  subject: string;
  /** Display name, else address, of the newest message's sender. */
  from: string | null;
  snippet: string;
  lastMessageAt: number;
  messageCount: number;
  unread: boolean;
  /** Some message of the thread is starred (Gmail STARRED, Outlook's flag). */
  starred: boolean;
  hasAttachments: boolean;
  /** Some message of the thread has a CRM activity. */
  logged: boolean;
}

export interface LabelRow {
  id: number;
  accountId: number;
  name: string;
  type: 'system' | 'user';
  /** Threads with an unread message carrying this label. */
  unreadThreads: number;
}

interface Row {
  id: number;
  account_id: number;
  subject: string;
  last_message_at: number;
  message_count: number;
  snippet: string | null;
  from_address: string | null;
  from_name: string | null;
  unread: number;
  starred: number;
  has_attachments: number;
  logged: number;
}

// The newest message gives sender and snippet; flags are EXISTS probes on indexed columns,
// so a page of 200 costs 200 small index lookups whatever the offset.
const COLUMNS = `t.id, t.account_id, t.subject, t.last_message_at, t.message_count, m.snippet, m.from_address, m.from_name,
  EXISTS (SELECT 1 FROM messages u WHERE u.thread_id = t.id AND u.unread = 1) AS unread,
  EXISTS (SELECT 1 FROM messages s JOIN message_labels sml ON sml.message_id = s.id
    WHERE s.thread_id = t.id AND sml.label_id = (SELECT id FROM labels WHERE account_id = t.account_id AND provider_label_id = 'STARRED')) AS starred,
  EXISTS (SELECT 1 FROM messages a WHERE a.thread_id = t.id AND a.has_attachments = 1) AS has_attachments,
  EXISTS (SELECT 1 FROM messages l JOIN outbox o ON o.message_id = l.id WHERE l.thread_id = t.id AND o.${LOGGED_ITEM_SQL}) AS logged`;
const NEWEST = 'LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE thread_id = t.id ORDER BY received_at DESC, id DESC LIMIT 1)';
const HAS_LABEL = `EXISTS (SELECT 1 FROM message_labels ml JOIN messages lm ON lm.id = ml.message_id
  WHERE ml.label_id = @label AND lm.thread_id = t.id)`;

function where(filter: InboxFilter): string {
  const conditions = [];
  if (filter.accountId !== undefined) conditions.push('t.account_id = @account');
  if (filter.labelId !== undefined) conditions.push(HAS_LABEL);
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** SQL of one inbox page for `filter`; exported for the query-plan test. */
export function inboxPageSql(filter: InboxFilter): string {
  return `SELECT ${COLUMNS} FROM threads t ${NEWEST} ${where(filter)}
    ORDER BY t.last_message_at DESC, t.id DESC LIMIT @limit OFFSET @offset`;
}

// Unread counts walk the partial index over unread messages only (migration 70); both are
// exported for the query-plan test. The label with role 'all' (Gmail's All Mail over IMAP)
// carries no message: it is kept for its role alone, and not listed.
export const UNREAD_BY_ACCOUNT_SQL = `SELECT account_id AS accountId, count(DISTINCT thread_id) AS threads
  FROM messages INDEXED BY messages_unread WHERE unread = 1 GROUP BY account_id`;
export const LABELS_SQL = `SELECT l.id, l.account_id AS accountId, l.name, l.type, coalesce(u.threads, 0) AS unreadThreads
  FROM labels l LEFT JOIN (
    SELECT ml.label_id, count(DISTINCT m.thread_id) AS threads
    FROM messages m INDEXED BY messages_unread JOIN message_labels ml ON ml.message_id = m.id
    WHERE m.unread = 1 GROUP BY ml.label_id
  ) u ON u.label_id = l.id
  WHERE l.role IS NOT 'all'`;

export class InboxRepository {
  readonly #statement: (sql: string) => Statement;
  readonly #labels;
  readonly #labelsOfAccount;
  readonly #createdSince;
  readonly #unreadByAccount;

  constructor(db: Db) {
    this.#statement = statementCache(db);
    this.#unreadByAccount = db.prepare<[], { accountId: number; threads: number }>(UNREAD_BY_ACCOUNT_SQL);
    this.#createdSince = db.prepare<[number, number], number>('SELECT id FROM messages WHERE account_id = ? AND created_at >= ?').pluck();
    this.#labels = db.prepare<[], LabelRow>(`${LABELS_SQL} ORDER BY l.type DESC, l.name`);
    this.#labelsOfAccount = db.prepare<[number], LabelRow>(`${LABELS_SQL} AND l.account_id = ? ORDER BY l.type DESC, l.name`);
  }

  /**
   * Threads newest first, rows `offset` … `offset + limit - 1` of those matching `filter`,
   * and how many match in all (to size a virtualised list). `limit` is clamped to 1–500.
   */
  page(filter: InboxFilter, offset: number, limit: number): { total: number; threads: InboxRow[] } {
    const params = {
      ...(filter.accountId !== undefined ? { account: filter.accountId } : {}),
      ...(filter.labelId !== undefined ? { label: filter.labelId } : {}),
    };
    const rows = this.#statement(inboxPageSql(filter)).all({
      ...params,
      offset: Math.max(0, Math.trunc(offset)),
      limit: Math.min(500, Math.max(1, Math.trunc(limit))),
    }) as Row[];
    const total = this.#statement(`SELECT count(*) FROM threads t ${where(filter)}`).pluck().get(params) as number;
    return { total, threads: rows.map(toInboxRow) };
  }

  /** The subset of `addresses` (lower-cased) that belong to a cached CRM contact. */
  contactAddresses(addresses: readonly string[]): Set<string> {
    const found = new Set<string>();
    const statement = this.#statement('SELECT email FROM contacts WHERE email = ?').pluck();
    for (const address of addresses) if (statement.get(address) !== undefined) found.add(address);
    return found;
  }

  /** Ids of the account's messages first stored at or after `since` (ms), e.g. by the sync that just ran. */
  messageIdsCreatedSince(accountId: number, since: number): number[] {
    return this.#createdSince.all(accountId, since);
  }

  /** Threads with an unread message, per account id (accounts with none are absent). */
  unreadThreadsByAccount(): Map<number, number> {
    return new Map(this.#unreadByAccount.all().map((row) => [row.accountId, row.threads]));
  }

  /** Labels (system first, then by name), of one account or all, with their unread thread counts. */
  labels(accountId?: number): LabelRow[] {
    return accountId === undefined ? this.#labels.all() : this.#labelsOfAccount.all(accountId);
  }
}

function toInboxRow(row: Row): InboxRow {
  return {
    id: row.id,
    accountId: row.account_id,
    subject: row.subject,
    from: row.from_address === null ? null : row.from_name || row.from_address,
    snippet: row.snippet ?? '',
    lastMessageAt: row.last_message_at,
    messageCount: row.message_count,
    unread: row.unread === 1,
    starred: row.starred === 1,
    hasAttachments: row.has_attachments === 1,
    logged: row.logged === 1,
  };
}
