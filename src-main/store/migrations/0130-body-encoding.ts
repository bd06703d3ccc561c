// Version 130: body_text and body_html may be stored zstd-compressed, as the raw source is
// since version 50. `body_encoding` names how ('identity' or 'zstd'); rows written before stay
// 'identity' and are converted in place afterwards, a batch at a time (StoreCompaction), so
// opening a large database never waits on a rewrite of every message. FTS5 is contentless
// (version 10), so the index does not read these columns and is untouched.
import type { Migration } from './index.ts';

const SQL = `
ALTER TABLE messages ADD COLUMN body_encoding TEXT NOT NULL DEFAULT 'identity';
-- The rows still to convert, found without a scan; empty once every row is compressed.
CREATE INDEX messages_body_uncompressed ON messages (id) WHERE body_encoding = 'identity';
`;

export const migration0130: Migration = {
  version: 130,
  name: 'body-encoding',
  up(db) {
    db.exec(SQL);
  },
};
