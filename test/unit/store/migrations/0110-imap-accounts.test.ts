// Migration 110 on a database version 100 wrote: accounts rebuilt to allow 'imap' with every
// account, message, label, outbox item and activity kept, and foreign keys still enforced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter100 } from './downgrade.ts';
import { message, openTestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';

test('a version-100 database opens with its accounts and mail kept, and takes IMAP accounts', async () => {
  const t = await openTestStore();
  try {
    const gmail = t.store.accounts.create({ provider: 'gmail', email: 'rep@mailbridge.example' }).id;
    t.store.accounts.setTokens(gmail, { refreshToken: 'kept' });
    t.store.messages.saveMessages(gmail, Array.from({ length: 12 }, (_, i) => message({ id: `m-${i}`, labels: ['INBOX', 'STARRED'] })));
    const before = databaseOf(t.store).prepare('SELECT count(*) FROM message_labels').pluck().get();
    undoMigrationsAfter100(databaseOf(t.store));
    assert.throws(() => t.store.accounts.create({ provider: 'imap', email: 'rep@fastmail.example' }), /CHECK/);
    databaseOf(t.store).pragma('user_version = 100');
    t.store.close();

    const store = await openProfileStore({ path: t.path, secrets: t.secrets });
    try {
      const db = databaseOf(store);
      assert.equal(db.pragma('user_version', { simple: true }), latestSchemaVersion());
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are on again');
      assert.deepEqual(store.accounts.getTokens(gmail), { refreshToken: 'kept' });
      assert.equal(store.messages.stats().messages, 12);
      assert.equal(db.prepare('SELECT count(*) FROM message_labels').pluck().get(), before);
      const imap = store.accounts.create({ provider: 'imap', email: 'rep@fastmail.example' });
      assert.equal(imap.provider, 'imap');
      store.accounts.remove(gmail);
      assert.equal(store.messages.stats().messages, 0, 'deleting an account still cascades to its mail');
      assert.deepEqual(db.pragma('foreign_key_check'), []);
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});
