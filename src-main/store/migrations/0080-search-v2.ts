// Version 80: search that scales (issue 10). The FTS5 index is rebuilt with the Porter
// stemmer and an attachment-names column, keyed by a date-ordered search key
// (search-index.ts) instead of messages.id, so the newest matches come first straight from
// the index. Every stored message is indexed again from the text the store holds.
import { indexStoredMessages, SEARCH_TABLE_SQL } from '../search-index.ts';
import type { Migration } from './index.ts';

export const migration0080: Migration = {
  version: 80,
  name: 'search-v2',
  up(db) {
    db.exec(`
      DROP TRIGGER messages_fts_after_delete;
      DROP TABLE messages_fts;
      ALTER TABLE messages ADD COLUMN search_key INTEGER;
      ${SEARCH_TABLE_SQL};
      CREATE UNIQUE INDEX messages_by_search_key ON messages (search_key);
      -- Also covers deletes cascading from accounts.
      CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages BEGIN
        DELETE FROM messages_fts WHERE rowid = old.search_key;
      END;
    `);
    indexStoredMessages(db);
  },
};
