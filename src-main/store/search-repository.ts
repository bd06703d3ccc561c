// Full-text search over the offline copy (FTS5, contentless, kept in step by the message
// repository). User text goes through toFtsQuery, so it can never break the MATCH syntax.
import { exactAddressTerms, toFtsQuery } from './search-query.ts';
import type { Db, SearchHit } from './types.ts';

interface HitRow {
  id: number;
  thread_id: number;
  account_id: number;
  subject: string;
  from_address: string | null;
  from_name: string;
  received_at: number;
  snippet: string;
}

// bm25 column weights, in messages_fts column order: subject, sender, recipients, body.
const RANK = 'bm25(messages_fts, 5.0, 3.0, 2.0, 1.0)';
const SELECT = `SELECT m.id, m.thread_id, m.account_id, m.subject, m.from_address, m.from_name, m.received_at, m.snippet
  FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid`;

/** Search across accounts, and within one; exported for the query-plan test. */
export const SEARCH_SQL = `${SELECT} WHERE messages_fts MATCH ? ORDER BY ${RANK}, m.received_at DESC LIMIT ?`;
export const SEARCH_IN_ACCOUNT_SQL = `${SELECT} WHERE messages_fts MATCH ? AND m.account_id = ? ORDER BY ${RANK}, m.received_at DESC LIMIT ?`;

const EXACT_FROM = 'm.from_address = ?';
const EXACT_TO = `EXISTS (SELECT 1 FROM message_participants p JOIN addresses a ON a.id = p.address_id
  WHERE p.message_id = m.id AND p.role IN ('to', 'cc', 'bcc') AND a.address = ?)`;

export class SearchRepository {
  readonly #db: Db;
  readonly #all;
  readonly #inAccount;
  /** Statements with exact-address conditions, by shape ("from count/to count/scoped"). */
  readonly #withAddresses = new Map<string, ReturnType<Db['prepare']>>();

  constructor(db: Db) {
    this.#db = db;
    this.#all = db.prepare<[string, number], HitRow>(SEARCH_SQL);
    this.#inAccount = db.prepare<[string, number, number], HitRow>(SEARCH_IN_ACCOUNT_SQL);
  }

  /**
   * Messages matching `query` (syntax: see toFtsQuery — words, "phrases", word*, from:, to:,
   * subject:), best bm25 match first, newer first among equals. `limit` is clamped to 1–500
   * (default 50). An empty or punctuation-only query returns []. `date` is the receive time in ms.
   */
  search(query: string, options: { limit?: number; accountId?: number } = {}): SearchHit[] {
    const match = toFtsQuery(query);
    if (match === null) return [];
    const limit = Math.min(500, Math.max(1, Math.trunc(options.limit ?? 50)));
    const exact = exactAddressTerms(query);
    const rows = (
      exact.from.length || exact.to.length
        ? this.#exactStatement(exact, options.accountId !== undefined).all([
            match,
            ...(options.accountId !== undefined ? [options.accountId] : []),
            ...exact.from,
            ...exact.to,
            limit,
          ])
        : options.accountId === undefined
          ? this.#all.all(match, limit)
          : this.#inAccount.all(match, options.accountId, limit)
    ) as HitRow[];
    return rows.map((r) => ({
      messageId: r.id,
      threadId: r.thread_id,
      accountId: r.account_id,
      subject: r.subject,
      from: r.from_address === null ? null : { address: r.from_address, name: r.from_name },
      date: r.received_at,
      snippet: r.snippet,
    }));
  }

  #exactStatement(exact: { from: string[]; to: string[] }, scoped: boolean) {
    const key = `${exact.from.length}/${exact.to.length}/${scoped}`;
    let statement = this.#withAddresses.get(key);
    if (!statement) {
      const conditions = [
        'messages_fts MATCH ?',
        ...(scoped ? ['m.account_id = ?'] : []),
        ...exact.from.map(() => EXACT_FROM),
        ...exact.to.map(() => EXACT_TO),
      ];
      statement = this.#db.prepare(`${SELECT} WHERE ${conditions.join(' AND ')} ORDER BY ${RANK}, m.received_at DESC LIMIT ?`);
      this.#withAddresses.set(key, statement);
    }
    return statement;
  }
}
