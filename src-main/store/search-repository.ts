// Search as Gmail shows it: conversations, newest first, a page at a time, the matched words
// marked in each snippet. The index is walked in search-key (date) order from the newest
// match down, in growing batches, until a page of distinct threads is found: the cost is the
// page, not the number of matches (search-index.ts). Filters (is:unread, label:, has:…) are
// conditions on each candidate; dates bound the key range itself.
import { parseSearch, type ParsedSearch, type SearchFilter } from './search-query.ts';
import { keysPerSecond, searchKeyAt } from './search-index.ts';
import { snippetAround, termRoots, matches } from './search-highlight.ts';
import type { Address } from '../mail/types.ts';
import { statementCache } from './statement-cache.ts';
import type { Db, SearchHit } from './types.ts';
import { BODY_SOURCE_COLUMN, decodeBodies } from './raw-encoding.ts';

export interface SearchThread {
  threadId: number;
  accountId: number;
  subject: string;
  messageCount: number;
  /** The newest message of the thread that matches. */
  messageId: number;
  from: Address | null;
  /** Receive time of that message, ms. */
  date: number;
  snippet: string;
  /** Matched words in `snippet` and in `subject`: [start, end) offsets. */
  snippetHighlights: Array<[number, number]>;
  subjectHighlights: Array<[number, number]>;
  unread: boolean;
  hasAttachments: boolean;
}

export interface SearchPage {
  threads: SearchThread[];
  /** Pass as `before` (with the threads shown so far as `excludeThreadIds`) for the next page; null at the end. */
  next: number | null;
  hints: string[];
}

export interface SearchOptions {
  /** Threads per page, 1–200 (default 50). */
  limit?: number;
  accountId?: number;
  /** A page's `next`: only matches older than it. */
  before?: number;
  /** Threads already shown (earlier pages): not shown again. */
  excludeThreadIds?: readonly number[];
  /** Clock for older_than / newer_than, ms. */
  now?: number;
}

interface Row {
  id: number;
  thread_id: number;
  account_id: number;
  search_key: number;
  from_address: string | null;
  from_name: string;
  received_at: number;
  snippet: string;
  unread: number;
  has_attachments: number;
}

const COLUMNS = 'm.id, m.thread_id, m.account_id, m.search_key, m.from_address, m.from_name, m.received_at, m.snippet, m.unread, m.has_attachments';
const FIRST_BATCH = 100;
const MAX_BATCH = 3_200;
const LABEL = `EXISTS (SELECT 1 FROM message_labels ml JOIN labels l ON l.id = ml.label_id
  WHERE ml.message_id = m.id AND (lower(l.name) = ? OR lower(l.provider_label_id) = ? OR lower(l.name) = ?))`;
const ADDRESS = `EXISTS (SELECT 1 FROM message_participants p JOIN addresses a ON a.id = p.address_id
  WHERE p.message_id = m.id AND p.role IN (ROLES) AND a.address = ?)`;
/** What `in:` names mean in each provider's folders: Gmail's SENT is Outlook's "Sent Items". */
const LABEL_ALIASES: Record<string, string> = { sent: 'sent items', trash: 'deleted items', spam: 'junk email', drafts: 'drafts' };

/**
 * The SQL of one candidate batch for `parsed` and its parameters (besides the key bounds and
 * the batch size, which come last: upper key, lower key, limit). Exported for the query-plan test.
 */
export function searchBatchSql(parsed: ParsedSearch, accountId?: number): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (parsed.match !== null) {
    conditions.push('messages_fts MATCH ?');
    params.push(parsed.match);
  }
  if (parsed.exclude !== null) {
    conditions.push('m.search_key NOT IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)');
    params.push(parsed.exclude);
  }
  if (accountId !== undefined) {
    conditions.push('m.account_id = ?');
    params.push(accountId);
  }
  for (const filter of parsed.filters) {
    const [sql, values] = filterSql(filter);
    conditions.push(filter.negate ? `NOT (${sql})` : sql);
    params.push(...values);
  }
  const key = parsed.match !== null ? 's.rowid' : 'm.search_key';
  conditions.push(`${key} < ?`, `${key} >= ?`);
  const from =
    parsed.match !== null
      ? 'messages_fts s JOIN messages m ON m.search_key = s.rowid'
      : 'messages m INDEXED BY messages_by_search_key';
  return { sql: `SELECT ${COLUMNS} FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY ${key} DESC LIMIT ?`, params };
}

function filterSql(filter: SearchFilter): [string, unknown[]] {
  switch (filter.kind) {
    case 'has_attachment':
      return ['m.has_attachments = 1', []];
    case 'unread':
      return [`m.unread = ${filter.value ? 1 : 0}`, []];
    case 'starred':
      return [LABEL, ['starred', 'starred', 'flagged']];
    case 'label':
      return [LABEL, [filter.name, filter.name, LABEL_ALIASES[filter.name] ?? filter.name]];
    case 'address': {
      const roles = filter.role === 'from' ? "'from'" : filter.role === 'cc' ? "'cc'" : "'to', 'cc', 'bcc'";
      return [ADDRESS.replace('ROLES', roles), [filter.address]];
    }
  }
}

/** The search-key range the query's dates allow: lower ≤ key < upper. */
const keyBounds = (p: ParsedSearch, perSecond: number) => ({
  lower: p.after === null ? 0 : searchKeyAt(p.after, perSecond),
  upper: p.before === null ? Number.MAX_SAFE_INTEGER : searchKeyAt(p.before, perSecond),
});

const senderOf = (row: Row): Address | null => (row.from_address === null ? null : { address: row.from_address, name: row.from_name });

const isEmpty = (p: ParsedSearch) => p.match === null && p.exclude === null && !p.filters.length && p.after === null && p.before === null;

export class SearchRepository {
  /** Statements by query shape; `all` takes the shape's parameters spread. */
  readonly #statement: (sql: string) => { all(...params: unknown[]): unknown[] };
  readonly #thread;
  readonly #body;
  /** The database's search keys per second (search-index.ts). */
  readonly #perSecond: number;

  constructor(db: Db) {
    this.#perSecond = keysPerSecond(db);
    this.#statement = statementCache(db) as unknown as (sql: string) => { all(...params: unknown[]): unknown[] };
    this.#thread = db.prepare<[number], { subject: string; message_count: number }>('SELECT subject, message_count FROM threads WHERE id = ?');
    this.#body = db.prepare<[number], { body_text: string | Uint8Array; body_encoding: string; body_source: Uint8Array | null; raw_encoding: string }>(
      `SELECT body_text, body_encoding, ${BODY_SOURCE_COLUMN}, raw_encoding FROM messages WHERE id = ?`,
    );
  }

  /**
   * One page of the conversations matching `query` (Gmail's operators: search-query.ts), each
   * once, ordered by its newest matching message, newest first. A query with nothing to search
   * for (empty, punctuation) returns no threads.
   */
  searchThreads(query: string, options: SearchOptions = {}): SearchPage {
    const parsed = parseSearch(query, options.now);
    if (isEmpty(parsed)) return { threads: [], next: null, hints: parsed.hints };
    const limit = Math.min(200, Math.max(1, Math.trunc(options.limit ?? 50)));
    const found = this.#collect(parsed, options, limit);
    const roots = termRoots(parsed.terms);
    const threads = found.rows.map((row) => {
      const thread = this.#thread.get(row.thread_id)!;
      const body = this.#body.get(row.id);
      const snippet = snippetAround(body ? decodeBodies(body).text : '', row.snippet, roots);
      return {
        threadId: row.thread_id,
        accountId: row.account_id,
        subject: thread.subject,
        messageCount: thread.message_count,
        messageId: row.id,
        from: senderOf(row),
        date: row.received_at,
        snippet: snippet.text,
        snippetHighlights: snippet.ranges,
        subjectHighlights: matches(thread.subject, roots),
        unread: row.unread === 1,
        hasAttachments: row.has_attachments === 1,
      };
    });
    return { threads, next: found.next, hints: parsed.hints };
  }

  /**
   * Messages (not threads) matching `query`, newest first, at most `limit` (1–500, default 50):
   * for the CLI's message-level needs and tests. Same operators as searchThreads.
   */
  search(query: string, options: { limit?: number; accountId?: number; now?: number } = {}): SearchHit[] {
    const parsed = parseSearch(query, options.now);
    if (isEmpty(parsed)) return [];
    const { sql, params } = searchBatchSql(parsed, options.accountId);
    const { lower, upper } = keyBounds(parsed, this.#perSecond);
    const rows = this.#statement(sql).all(...params, upper, lower, Math.min(500, Math.max(1, Math.trunc(options.limit ?? 50)))) as Row[];
    return rows.map((r) => ({
      messageId: r.id,
      threadId: r.thread_id,
      accountId: r.account_id,
      subject: this.#thread.get(r.thread_id)?.subject ?? '',
      from: senderOf(r),
      date: r.received_at,
      snippet: r.snippet,
    }));
  }

  /** How many conversations match, counting at most `cap` (default 1,000): `capped` when there are more. */
  countThreads(query: string, options: { accountId?: number; cap?: number; now?: number } = {}): { count: number; capped: boolean } {
    const cap = options.cap ?? 1_000;
    const parsed = parseSearch(query, options.now);
    if (isEmpty(parsed)) return { count: 0, capped: false };
    const page = this.#collect(parsed, options, cap + 1);
    return { count: Math.min(cap, page.rows.length), capped: page.rows.length > cap };
  }

  #collect(parsed: ParsedSearch, options: SearchOptions, limit: number): { rows: Row[]; next: number | null } {
    const { sql, params } = searchBatchSql(parsed, options.accountId);
    const statement = this.#statement(sql);
    const bounds = keyBounds(parsed, this.#perSecond);
    const lower = bounds.lower;
    let upper = Math.min(options.before ?? Number.MAX_SAFE_INTEGER, bounds.upper);
    const seen = new Set(options.excludeThreadIds ?? []);
    const rows: Row[] = [];
    for (let batch = FIRST_BATCH; ; batch = Math.min(MAX_BATCH, batch * 4)) {
      const candidates = statement.all(...params, upper, lower, batch) as Row[];
      for (const row of candidates) {
        upper = row.search_key;
        if (seen.has(row.thread_id)) continue;
        seen.add(row.thread_id);
        rows.push(row);
        if (rows.length === limit) return { rows, next: upper };
      }
      if (candidates.length < batch) return { rows, next: null };
    }
  }
}
