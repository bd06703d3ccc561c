// The files imports did not read as mail (mailbox-reader's SkippedFile), kept per account
// and source folder so `stats` counts them and a rep can list them after the fact.
import type { Db } from './types.ts';

/** As mailbox-reader's SkippedFile; the store keeps its own shape so it needs no mail import. */
export interface ImportSkip {
  key: string;
  reason: 'not_mail' | 'unreadable' | 'too_large';
  detail: string;
}

export interface ImportSkipRecord extends ImportSkip {
  accountId: number;
  /** The absolute path given to the import. */
  source: string;
  recordedAt: number;
}

interface Row {
  account_id: number;
  source: string;
  key: string;
  reason: ImportSkip['reason'];
  detail: string;
  recorded_at: number;
}

export class ImportSkipRepository {
  readonly #now: () => number;
  readonly #s;

  readonly #db: Db;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#s = {
      put: db.prepare<[number, string, string, string, string, number]>(
        `INSERT INTO import_skips (account_id, source, key, reason, detail, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, source, key) DO UPDATE SET reason = excluded.reason, detail = excluded.detail,
           recorded_at = excluded.recorded_at`,
      ),
      clear: db.prepare<[number, string]>('DELETE FROM import_skips WHERE account_id = ? AND source = ?'),
      list: db.prepare<[number], Row>('SELECT * FROM import_skips ORDER BY recorded_at DESC, source, key LIMIT ?'),
    };
  }

  /** Adds (or refreshes) skips of `source`, e.g. those seen before an import was stopped. */
  record(accountId: number, source: string, skips: readonly ImportSkip[]): void {
    const at = this.#now();
    this.#db.transaction(() => {
      for (const skip of skips) this.#s.put.run(accountId, source, skip.key, skip.reason, skip.detail, at);
    })();
  }

  /** After a complete import of `source`: its skips are exactly `skips` (files fixed since drop out). */
  replace(accountId: number, source: string, skips: readonly ImportSkip[]): void {
    this.#db.transaction(() => {
      this.#s.clear.run(accountId, source);
      this.record(accountId, source, skips);
    })();
  }

  /** The most recent skips first, at most `limit`. */
  list(limit = 1000): ImportSkipRecord[] {
    return this.#s.list.all(limit).map((row) => ({
      accountId: row.account_id,
      source: row.source,
      key: row.key,
      reason: row.reason,
      detail: row.detail,
      recordedAt: row.recorded_at,
    }));
  }
}
