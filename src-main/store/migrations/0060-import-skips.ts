// Version 60: the files an import did not read as mail, with the reason, so `stats` and a
// second look at the summary can tell the rep what was left out instead of a debug line.
import type { Migration } from './index.ts';

// One row per (account, source, key): importing the same folder again updates, never adds.
const SQL = `
CREATE TABLE import_skips (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('not_mail', 'unreadable', 'too_large')),
  detail TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, source, key)
) WITHOUT ROWID;
`;

export const migration0060: Migration = {
  version: 60,
  name: 'import-skips',
  up(db) {
    db.exec(SQL);
  },
};
