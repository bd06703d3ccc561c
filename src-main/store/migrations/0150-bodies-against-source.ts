// Version 150: body text and HTML may be compressed against the message's own source
// (body_encoding 'zstd-source', raw-encoding.ts). Rows written before keep plain zstd bodies
// and are converted in place afterwards, a batch at a time (RawCompaction); this partial
// index finds the ones left without a scan and is empty once all are converted.
import type { Migration } from './index.ts';
import { STANDALONE_BODIES } from '../raw-compaction.ts';

export const migration0150: Migration = {
  version: 150,
  name: 'bodies-against-source',
  up(db) {
    db.exec(`CREATE INDEX messages_body_standalone ON messages (id) WHERE ${STANDALONE_BODIES};`);
  },
};
