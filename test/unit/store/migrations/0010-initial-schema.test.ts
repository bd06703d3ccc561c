// Migration 10: the schema exists and the hot queries use the indexes it creates.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import { migration0010 } from '../../../../src-main/store/migrations/0010-initial-schema.ts';
import { runMigrations } from '../../../../src-main/store/migrations/index.ts';
import { MESSAGE_BY_PROVIDER_ID_SQL } from '../../../../src-main/store/message-repository.ts';
import { THREAD_PAGE_SQL } from '../../../../src-main/store/thread-repository.ts';

describe('migration 0010 initial schema', () => {
  const db = new Database(':memory:');
  before(() => {
    // Only this migration, so a later one cannot hide an index missing here.
    runMigrations(db, [migration0010]);
  });

  const plan = (sql: string, ...params: unknown[]): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);

  test('creates every table of the first schema', () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);
    for (const name of [
      'accounts', 'account_credentials', 'messages', 'threads', 'addresses', 'message_participants', 'labels',
      'message_labels', 'sync_state', 'contacts', 'activities', 'outbox', 'messages_fts',
    ]) {
      assert.ok(tables.includes(name), `table ${name}`);
    }
    assert.equal(db.pragma('user_version', { simple: true }), 10);
  });

  test('message by (account, provider id) uses the unique index', () => {
    const p = plan(MESSAGE_BY_PROVIDER_ID_SQL, 1, 'x');
    assert.match(p.join('\n'), /SEARCH messages USING INDEX sqlite_autoindex_messages_\d \(account_id=\? AND provider_message_id=\?\)/);
  });

  test('thread list by account and last_message_at walks threads_by_account_recent without sorting', () => {
    const p = plan(THREAD_PAGE_SQL, { account: 1, at: 5, id: 3, limit: 10 }).join('\n');
    assert.match(p, /SEARCH t USING (COVERING )?INDEX threads_by_account_recent \(account_id=\? AND last_message_at<\?\)/);
    assert.doesNotMatch(p, /TEMP B-TREE/);
    assert.doesNotMatch(p, /SCAN (messages|threads|t|m|u)\b/);
    assert.match(p, /messages_by_thread/, 'latest message per thread via messages_by_thread');
  });

  test('thread recount, outbox due list and warnings count use their indexes', () => {
    assert.match(plan('SELECT max(received_at) FROM messages WHERE thread_id = ?', 1).join(), /messages_by_thread \(thread_id=\?\)/);
    assert.match(
      plan("SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at", 5).join(),
      /outbox_due \(state=\? AND next_attempt_at<\?\)/,
    );
    assert.match(plan("SELECT count(*) FROM messages WHERE warnings_json <> '[]'").join(), /messages_with_warnings/);
    assert.match(plan('SELECT message_id FROM message_participants WHERE address_id = ?', 1).join(), /message_participants_by_address/);
  });
});
