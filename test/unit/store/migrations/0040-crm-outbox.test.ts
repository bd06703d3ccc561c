// Migration 40: the rebuilt outbox, CRM connections and contact misses, and the query plans
// of the outbox's hot reads (due heads, next due time), correspondents to match and timelines.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import { runMigrations } from '../../../../src-main/store/migrations/index.ts';
import { migration0010 } from '../../../../src-main/store/migrations/0010-initial-schema.ts';
import { migration0030 } from '../../../../src-main/store/migrations/0030-settings-and-inbox.ts';
import { migration0040 } from '../../../../src-main/store/migrations/0040-crm-outbox.ts';
import { CLAIM_DUE_SQL, LAST_ERROR_SQL, NEXT_DUE_SQL } from '../../../../src-main/store/outbox-repository.ts';
import { TIMELINE_SQL, UNMATCHED_ADDRESSES_SQL } from '../../../../src-main/store/contact-repository.ts';

describe('migration 0040 crm outbox', () => {
  const db = new Database(':memory:');
  before(() => runMigrations(db));
  const plan = (sql: string, params: Record<string, unknown> = {}): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');

  test('a database at version 30 is brought to 40 and its old outbox replaced', () => {
    const old = new Database(':memory:');
    runMigrations(old, [migration0010, migration0030]);
    assert.equal(old.pragma('user_version', { simple: true }), 30);
    assert.deepEqual(runMigrations(old, [migration0010, migration0030, migration0040]), [40]);
    const columns = (old.prepare('PRAGMA table_info(outbox)').all() as Array<{ name: string }>).map((c) => c.name);
    for (const c of ['crm', 'crm_contact_id', 'payload_json', 'crm_activity_id', 'last_attempt_at', 'wait_reason']) assert.ok(columns.includes(c), c);
    assert.ok(old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'crm_connections'").get());
    assert.ok(old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'crm_contact_misses'").get());
  });

  test('the outbox accepts the unknown state and rejects others; the idempotency key is unique', () => {
    const insert = db.prepare(`INSERT INTO outbox (idempotency_key, crm, crm_contact_id, contact_email, payload_json, state,
      next_attempt_at, created_at, updated_at) VALUES (?, 'hubspot', '1', 'a@b.example', '{}', ?, 0, 0, 0)`);
    insert.run('k1', 'unknown');
    assert.throws(() => insert.run('k2', 'sent'), /CHECK constraint failed/);
    assert.throws(() => insert.run('k1', 'pending'), /UNIQUE constraint failed/);
    db.exec('DELETE FROM outbox');
  });

  test('claimDue walks outbox_due and probes heads through outbox_by_contact, with no scan of the outbox', () => {
    const p = plan(CLAIM_DUE_SQL, { now: 1, limit: 10, crm: 'hubspot' });
    assert.match(p, /SEARCH o USING INDEX outbox_due \(state=\? AND next_attempt_at<\?\)/);
    assert.match(p, /SEARCH e USING (COVERING )?INDEX outbox_by_contact \(crm=\? AND crm_contact_id=\? AND (rowid|id)<\?\)/);
    assert.doesNotMatch(p, /SCAN o\b|SCAN e\b/);
  });

  test('the next due time also uses outbox_due', () => {
    const p = plan(NEXT_DUE_SQL, { crm: 'hubspot' });
    assert.match(p, /SEARCH o USING INDEX outbox_due \(state=\?\)/);
    assert.doesNotMatch(p, /SCAN o\b/);
  });

  test('a timeline probes the address, then participants by address, then messages by id', () => {
    const p = plan(TIMELINE_SQL, { address: 'a@b.example', limit: 100 });
    assert.match(p, /SEARCH a USING (COVERING )?INDEX sqlite_autoindex_addresses_1 \(address=\?\)/);
    assert.match(p, /SEARCH p USING (COVERING )?INDEX message_participants_by_address \(address_id=\?\)/);
    assert.match(p, /SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  });

  test('unmatched correspondents probe contacts by (crm, email) and misses by primary key', () => {
    const p = plan(UNMATCHED_ADDRESSES_SQL, { crm: 'hubspot', own: '[]', since: 0, after: 0, until: 5000, limit: 100 });
    assert.match(p, /SEARCH a USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    assert.match(p, /SEARCH c USING (COVERING )?INDEX contacts_by_crm_email \(crm=\? AND email=\?\)/);
    assert.match(p, /SEARCH m USING PRIMARY KEY \(crm=\? AND email=\?\)/);
  });

  test('log states of a thread’s messages probe outbox_by_message', () => {
    const p = plan("SELECT * FROM outbox WHERE message_id IN (SELECT value FROM json_each('[1,2]')) ORDER BY message_id, id");
    assert.match(p, /SEARCH outbox USING INDEX outbox_by_message \(message_id=\?\)/);
  });

  test('the status line’s last error reads live and failed rows through outbox_due, never the done bulk', () => {
    const p = plan(LAST_ERROR_SQL);
    assert.match(p, /SEARCH outbox USING INDEX outbox_due \(state=\?\)/);
    assert.doesNotMatch(p, /SCAN outbox/);
  });
});
