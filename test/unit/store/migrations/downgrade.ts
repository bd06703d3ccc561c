// Undoes the migrations after 60 on a test database, so a test can write the database an
// older version left behind and check that opening it migrates forward. Each later
// migration adds its undo here.
import type { Db } from '../../../../src-main/store/types.ts';
import { BODY_SOURCE_COLUMN, decodeBodies, encodeBody } from '../../../../src-main/store/raw-encoding.ts';
import { indexStoredMessages } from '../../../../src-main/store/search-index.ts';

/** Back to the schema of version 150: search keys 2^20 a second, the index rebuilt at that scale with FTS5's default leaves (4,050 bytes; its config table takes no DELETE), no search_key_scale. */
export function undoMigrationsAfter150(db: Db): void {
  db.exec(`
    DROP TABLE IF EXISTS search_key_scale;
    INSERT INTO messages_fts (messages_fts, rank) VALUES ('pgsz', 4050);
    INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
    UPDATE messages SET search_key = NULL;
  `);
  indexStoredMessages(db);
}

/** Back to the schema of version 140: bodies compressed on their own ('zstd'), none against its source. */
export function undoMigrationsAfter140(db: Db): void {
  undoMigrationsAfter150(db);
  const rows = db.prepare(`SELECT id, body_text, body_html, body_encoding, ${BODY_SOURCE_COLUMN}, raw_encoding FROM messages WHERE body_encoding = 'zstd-source'`).all() as Array<{
    id: number; body_text: string | Buffer; body_html: string | Buffer | null; body_encoding: string; body_source: Buffer | null; raw_encoding: string;
  }>;
  const standalone = db.prepare("UPDATE messages SET body_text = ?, body_html = ?, body_encoding = 'zstd' WHERE id = ?");
  for (const r of rows) {
    const { text, html } = decodeBodies(r);
    standalone.run(encodeBody(text), html === null ? null : encodeBody(html), r.id);
  }
  db.exec('DROP INDEX IF EXISTS messages_body_standalone;');
}

/** Back to the schema of version 130: no index over when messages were stored. */
export function undoMigrationsAfter130(db: Db): void {
  undoMigrationsAfter140(db);
  db.exec('DROP INDEX IF EXISTS messages_created;');
}

/** Back to the schema of version 120: bodies as plain text, no body_encoding. */
export function undoMigrationsAfter120(db: Db): void {
  undoMigrationsAfter130(db);
  const columns = db.prepare("SELECT name FROM pragma_table_info('messages')").pluck().all() as string[];
  if (!columns.includes('body_encoding')) return;
  const rows = db.prepare(`SELECT id, body_text, body_html, body_encoding, ${BODY_SOURCE_COLUMN}, raw_encoding FROM messages WHERE body_encoding <> 'identity'`).all() as Array<{
    id: number; body_text: string | Buffer; body_html: string | Buffer | null; body_encoding: string; body_source: Buffer | null; raw_encoding: string;
  }>;
  const plain = db.prepare('UPDATE messages SET body_text = ?, body_html = ? WHERE id = ?');
  for (const r of rows) {
    const { text, html } = decodeBodies(r);
    plain.run(text, html, r.id);
  }
  db.exec('DROP INDEX messages_body_uncompressed; ALTER TABLE messages DROP COLUMN body_encoding;');
}

/** Back to the schema of version 110: contacts without the card's details and deals. */
export function undoMigrationsAfter110(db: Db): void {
  undoMigrationsAfter120(db);
  const columns = db.prepare("SELECT name FROM pragma_table_info('contacts')").pluck().all() as string[];
  if (!columns.includes('details_json')) return;
  db.exec('ALTER TABLE contacts DROP COLUMN details_json; ALTER TABLE contacts DROP COLUMN deals_json; ALTER TABLE contacts DROP COLUMN deals_fetched_at;');
}

/** Back to the schema of version 100: accounts without 'imap' (user_version is left to the caller). */
export function undoMigrationsAfter100(db: Db): void {
  undoMigrationsAfter110(db);
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'accounts'").pluck().get() as string;
  if (!sql.includes("'imap'")) return;
  db.pragma('foreign_keys = OFF');
  db.exec(`
    ${sql.replace("'microsoft', 'imap', 'import'", "'microsoft', 'import'").replace(/^CREATE TABLE\s+"?accounts"?/, 'CREATE TABLE accounts_old')};
    INSERT INTO accounts_old SELECT * FROM accounts;
    DROP TABLE accounts;
    ALTER TABLE accounts_old RENAME TO accounts;
  `);
  db.pragma('foreign_keys = ON');
}

/** Back to the schema of version 90 (user_version is left to the caller). */
export function undoMigrationsAfter90(db: Db): void {
  undoMigrationsAfter100(db);
  db.exec(`
    DROP TABLE send_outbox;
    DROP TABLE mail_actions;
    DROP TABLE draft_attachments;
    DROP TABLE drafts;
    ALTER TABLE labels DROP COLUMN role;
  `);
}

/** Back to the schema of version 60 (user_version is left to the caller). */
export function undoMigrationsAfter60(db: Db): void {
  undoMigrationsAfter90(db);
  db.exec(`
    DROP INDEX threads_by_base_subject;
    ALTER TABLE threads DROP COLUMN base_subject;
    DROP TRIGGER messages_fts_after_delete;
    DROP TABLE messages_fts;
    DROP INDEX messages_by_search_key;
    ALTER TABLE messages DROP COLUMN search_key;
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
      subject, sender, recipients, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages BEGIN
      DELETE FROM messages_fts WHERE rowid = old.id;
    END;
    DROP INDEX messages_unread;
  `);
}
