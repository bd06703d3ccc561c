// Version 160: a smaller full-text index (issue 9).
// - Search keys 16 a second instead of 2^20 (search-index.ts): FTS5 stores rowid deltas as
//   varints, so each doclist entry shrinks by about 2 bytes. A database that already holds
//   messages keeps 2^20 a second: its FTS5 rows can only be re-keyed by indexing every message
//   again, and searching goes on the same either way. search_key_scale says which.
// - FTS5 leaf pages (pgsz, default 4,050 bytes) sized to fit one SQLite page with the cipher's
//   reserved bytes, instead of spilling a few bytes of each onto an overflow page. It applies to
//   the segments written from now on; merges rewrite the older ones over time.
//   https://www.sqlite.org/fts5.html#the_pgsz_configuration_option
import type { Migration } from './index.ts';
import { KEYS_PER_SECOND, LEGACY_KEYS_PER_SECOND } from '../search-index.ts';

/**
 * FTS5's leaf size for a page of `pageSize` bytes: the page less the cipher's reserve (32 bytes
 * for sqlite3mc's ChaCha20), the table-leaf cell's overhead (35) and the record's (about 20).
 * Measured on the Enron corpus: 4,000 on a 4,096-byte page leaves 1 % of the index's pages
 * unused, against 11 % at the default.
 */
export const ftsLeafSize = (pageSize: number): number => pageSize - 96;

export const migration0160: Migration = {
  version: 160,
  name: 'compact-search-keys',
  up(db) {
    const holdsMessages = db.prepare('SELECT EXISTS (SELECT 1 FROM messages)').pluck().get() === 1;
    db.exec('CREATE TABLE search_key_scale (id INTEGER PRIMARY KEY CHECK (id = 1), keys_per_second INTEGER NOT NULL CHECK (keys_per_second > 0))');
    db.prepare('INSERT INTO search_key_scale (id, keys_per_second) VALUES (1, ?)').run(holdsMessages ? LEGACY_KEYS_PER_SECOND : KEYS_PER_SECOND);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    // FTS5 takes a configuration value as a literal, not a bound parameter.
    db.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('pgsz', ${Math.trunc(ftsLeafSize(pageSize))})`);
  },
};
