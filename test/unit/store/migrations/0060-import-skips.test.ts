// Migration 60 on a database version 50 wrote: every message kept, the skips table empty and
// usable, stats counting it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter60 } from './downgrade.ts';
import { message, openTestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';

test('a version-50 database opens at the latest version with its messages and an empty, working skips table', async () => {
  const t = await openTestStore();
  try {
    const accountId = t.store.accounts.create({ provider: 'import', email: 'import@localhost' }).id;
    t.store.messages.saveMessages(accountId, Array.from({ length: 30 }, (_, i) => message({ id: `m-${i}` })));
    undoMigrationsAfter60(databaseOf(t.store));
    databaseOf(t.store).exec('DROP TABLE import_skips; PRAGMA user_version = 50;');
    t.store.close();

    const store = await openProfileStore({ path: t.path, secrets: t.secrets });
    try {
      assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
      assert.deepEqual({ ...store.messages.stats(), threads: 0 }, { accounts: 1, messages: 30, threads: 0, warnings: 0, skippedFiles: 0 });
      store.importSkips.record(accountId, '/mail', [{ key: 'README', reason: 'not_mail', detail: 'x' }]);
      assert.equal(store.messages.stats().skippedFiles, 1);
      assert.throws(() => store.importSkips.record(accountId, '/mail', [{ key: 'y', reason: 'odd' as 'not_mail', detail: '' }]), /CHECK/);
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});
