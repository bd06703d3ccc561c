// Version 30: the settings registry's values, and the indexes the desktop inbox needs —
// all accounts' threads newest first, and label filters answered from message_labels.
import type { Migration } from './index.ts';

const SQL = `
-- One row per setting key; value_json is validated against the registry on every read.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The unified inbox (every account) sorts by recency without a temp b-tree.
CREATE INDEX threads_recent ON threads (last_message_at DESC, id DESC);
`;

export const migration0030: Migration = {
  version: 30,
  name: 'settings-and-inbox',
  up(db) {
    db.exec(SQL);
  },
};
