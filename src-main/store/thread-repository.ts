// Thread lists for the inbox: newest first, keyset-paged so page N costs the same as page 1.
import type { Db, ThreadCursor, ThreadSummary } from './types.ts';

interface ThreadRow {
  id: number;
  account_id: number;
  provider_thread_id: string | null;
  subject: string;
  last_message_at: number;
  message_count: number;
  snippet: string | null;
  from_address: string | null;
  from_name: string | null;
  unread: number;
}

const SELECT_THREADS = `SELECT t.id, t.account_id, t.provider_thread_id, t.subject, t.last_message_at, t.message_count,
    m.snippet, m.from_address, m.from_name,
    EXISTS (SELECT 1 FROM messages u WHERE u.thread_id = t.id AND u.unread = 1) AS unread
  FROM threads t
  LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE thread_id = t.id ORDER BY received_at DESC, id DESC LIMIT 1)`;

/** One keyset page of an account's threads; exported for the query-plan test. */
export const THREAD_PAGE_SQL = `${SELECT_THREADS}
  WHERE t.account_id = @account AND (t.last_message_at < @at OR (t.last_message_at = @at AND t.id < @id))
  ORDER BY t.last_message_at DESC, t.id DESC LIMIT @limit`;

export class ThreadRepository {
  readonly #page;
  readonly #byId;

  constructor(db: Db) {
    this.#page = db.prepare<[{ account: number; at: number; id: number; limit: number }], ThreadRow>(THREAD_PAGE_SQL);
    this.#byId = db.prepare<[number], ThreadRow>(`${SELECT_THREADS} WHERE t.id = ?`);
  }

  /**
   * One page of an account's threads, newest message first. Pass the returned `next` as
   * `before` for the following page; `next` is null on the last page. `limit` is clamped to 1–500.
   */
  listThreads(
    accountId: number,
    options: { limit?: number; before?: ThreadCursor | null } = {},
  ): { threads: ThreadSummary[]; next: ThreadCursor | null } {
    const limit = Math.min(500, Math.max(1, Math.trunc(options.limit ?? 50)));
    const before = options.before ?? { lastMessageAt: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
    const rows = this.#page.all({ account: accountId, at: before.lastMessageAt, id: before.id, limit: limit + 1 });
    const threads = rows.slice(0, limit).map(toSummary);
    const last = threads.at(-1);
    return { threads, next: rows.length > limit && last ? { lastMessageAt: last.lastMessageAt, id: last.id } : null };
  }

  getThread(id: number): ThreadSummary | null {
    const row = this.#byId.get(id);
    return row ? toSummary(row) : null;
  }
}

function toSummary(row: ThreadRow): ThreadSummary {
  return {
    id: row.id,
    accountId: row.account_id,
    providerThreadId: row.provider_thread_id,
    subject: row.subject,
    lastMessageAt: row.last_message_at,
    messageCount: row.message_count,
    snippet: row.snippet ?? '',
    from: row.from_address === null ? null : { address: row.from_address, name: row.from_name ?? '' },
    unread: row.unread === 1,
  };
}
