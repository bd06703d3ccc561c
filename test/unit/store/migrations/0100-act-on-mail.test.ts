// Migration 100 on a database version 90 wrote: every message and label kept, the action
// queue, drafts and send outbox empty and working, the pending-actions index used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter60 } from './downgrade.ts';
import { message, openTestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion, MIGRATIONS } from '../../../../src-main/store/migrations/index.ts';

test('a version-90 database opens with its mail and labels, and empty working queues for acting on mail', async () => {
  const t = await openTestStore();
  try {
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@mailbridge.example' }).id;
    t.store.messages.saveMessages(accountId, Array.from({ length: 20 }, (_, i) => message({ id: `m-${i}`, labels: ['INBOX', 'UNREAD'] })));
    const db = databaseOf(t.store);
    undoMigrationsAfter60(db);
    for (const m of MIGRATIONS.filter((m) => m.version > 60 && m.version < 100)) m.up(db);
    db.pragma('user_version = 90');
    t.store.close();

    const store = await openProfileStore({ path: t.path, secrets: t.secrets });
    try {
      assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
      assert.equal(store.messages.stats().messages, 20);
      assert.equal(store.inbox.unreadThreadsByAccount().get(accountId), 20);
      assert.deepEqual([store.drafts.list(), store.sendOutbox.recent(0), store.mailActions.pending(accountId)], [[], [], []]);
      const targets = store.mailActions.targets(store.inbox.page({}, 0, 5).threads.map((row) => row.id));
      store.mailActions.enqueue(accountId, 'read', targets.map((m) => m.providerMessageId), { added: [], removed: ['UNREAD'], deleted: false });
      assert.equal(store.inbox.unreadThreadsByAccount().get(accountId), 15);
      const plan = databaseOf(store)
        .prepare("EXPLAIN QUERY PLAN SELECT * FROM mail_actions WHERE account_id = ? AND state = 'pending' ORDER BY id")
        .all(accountId) as Array<{ detail: string }>;
      assert.ok(plan.some((row) => row.detail.includes('mail_actions_pending')), JSON.stringify(plan));
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});
