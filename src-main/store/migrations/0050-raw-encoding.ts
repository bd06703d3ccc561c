// Version 50: the raw RFC 5322 source may be stored compressed. `raw_encoding` names how
// (Content-Encoding style: 'identity' or 'zstd'); rows written before stay 'identity' and are
// converted in place afterwards, a batch at a time (MessageRepository.compressStoredRaw), so
// opening a large database never waits on a rewrite of every message.
import type { Migration } from './index.ts';

const SQL = `
ALTER TABLE messages ADD COLUMN raw_encoding TEXT NOT NULL DEFAULT 'identity';
-- The rows still to convert, found without a scan; empty once every row is compressed.
CREATE INDEX messages_raw_uncompressed ON messages (id) WHERE raw_encoding = 'identity';
`;

export const migration0050: Migration = {
  version: 50,
  name: 'raw-encoding',
  up(db) {
    db.exec(SQL);
  },
};
