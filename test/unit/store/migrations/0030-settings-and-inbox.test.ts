// Migration 30: the settings table, and inbox pages that walk an index instead of sorting.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import { runMigrations } from '../../../../src-main/store/migrations/index.ts';
import { inboxPageSql } from '../../../../src-main/store/inbox-repository.ts';

describe('migration 0030 settings and inbox', () => {
  const db = new Database(':memory:');
  before(() => runMigrations(db));
  const plan = (sql: string, params: Record<string, number>): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');

  test('creates the settings table', () => {
    db.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES ('theme', '\"dark\"', 1)").run();
    assert.equal(db.prepare("SELECT value_json FROM settings WHERE key = 'theme'").pluck().get(), '"dark"');
  });

  test('the unified inbox walks threads_recent without a temp b-tree', () => {
    const p = plan(inboxPageSql({}), { limit: 10, offset: 0 });
    assert.match(p, /SCAN t USING (COVERING )?INDEX threads_recent/);
    assert.doesNotMatch(p, /TEMP B-TREE/);
  });

  test('one account’s inbox walks threads_by_account_recent without a temp b-tree', () => {
    const p = plan(inboxPageSql({ accountId: 1 }), { account: 1, limit: 10, offset: 0 });
    assert.match(p, /SEARCH t USING (COVERING )?INDEX threads_by_account_recent \(account_id=\?\)/);
    assert.doesNotMatch(p, /TEMP B-TREE/);
  });

  test('a label filter probes message_labels by label, not a scan of every label row', () => {
    const p = plan(inboxPageSql({ labelId: 3 }), { label: 3, limit: 10, offset: 0 });
    assert.match(p, /message_labels_by_label|PRIMARY KEY/);
    assert.doesNotMatch(p, /SCAN ml\b/);
  });
});
