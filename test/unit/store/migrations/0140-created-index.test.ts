// Migration 140 on a database version 130 wrote: its messages are kept, and "which messages
// did this sync add" reads the new index instead of every message row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter130 } from './downgrade.ts';
import { message, openTestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';

const PLAN = 'EXPLAIN QUERY PLAN SELECT id FROM messages WHERE account_id = ? AND created_at >= ?';

test('a version-130 database keeps its messages and then finds a sync’s new ones through the index', async () => {
  const t = await openTestStore();
  try {
    const account = t.store.accounts.create({ provider: 'import', email: 'rep@example.test' });
    t.store.messages.saveMessages(account.id, [message({ id: 'm1' }), message({ id: 'm2' })]);
    const stored = t.store.inbox.messageIdsCreatedSince(account.id, 0);
    assert.equal(stored.length, 2);
    const db = databaseOf(t.store);
    undoMigrationsAfter130(db);
    const scan = (db.prepare(PLAN).all(account.id, 0) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    assert.doesNotMatch(scan, /messages_created/, 'before: no such index');
    db.pragma('user_version = 130');
    t.store.close();

    const store = await openProfileStore({ path: t.path, secrets: t.secrets });
    try {
      assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
      const plan = (databaseOf(store).prepare(PLAN).all(account.id, 0) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
      assert.match(plan, /USING (COVERING )?INDEX messages_created/, plan);
      assert.deepEqual(store.inbox.messageIdsCreatedSince(account.id, 0).sort(), stored.sort(), 'both messages kept and found');
      assert.deepEqual(store.inbox.messageIdsCreatedSince(account.id, Date.now() + 60_000), [], 'none stored after now');
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});
