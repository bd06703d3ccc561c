// Version 110: IMAP accounts. The provider CHECK of `accounts` gains 'imap'; SQLite cannot
// alter a CHECK in place, so the table is rebuilt under its own name (the 12-step procedure,
// https://sqlite.org/lang_altertable.html#otheralter) with foreign keys off around the
// transaction, every column and row kept, and references checked before commit.
import type { Migration } from './index.ts';

const OLD_CHECK = "CHECK (provider IN ('gmail', 'microsoft', 'import'))";
const NEW_CHECK = "CHECK (provider IN ('gmail', 'microsoft', 'imap', 'import'))";

export const migration0110: Migration = {
  version: 110,
  name: 'imap-accounts',
  rebuildsReferencedTable: true,
  up(db) {
    const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'accounts'").pluck().get() as string;
    if (!sql.includes(OLD_CHECK)) throw new Error('accounts has an unexpected provider CHECK; refusing to rebuild it');
    db.exec(`
      ${sql.replace(OLD_CHECK, NEW_CHECK).replace(/^CREATE TABLE\s+"?accounts"?/, 'CREATE TABLE accounts_new')};
      INSERT INTO accounts_new SELECT * FROM accounts;
      DROP TABLE accounts;
      ALTER TABLE accounts_new RENAME TO accounts;
    `);
  },
};
