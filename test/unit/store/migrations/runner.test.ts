// The migration runner: fresh database, idempotent re-open, newer database refused,
// a failing migration rolls every pending one back.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { createMemorySecretStore } from '../../../../src-main/platform/keychain.ts';
import { DatabaseTooNewError } from '../../../../src-main/store/errors.ts';
import { openProfileStore, databaseOf } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion, MIGRATIONS, runMigrations, type Migration } from '../../../../src-main/store/migrations/index.ts';

describe('migration runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-migrations-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('versions are multiples of 10, strictly increasing', () => {
    let previous = 0;
    for (const m of MIGRATIONS) {
      assert.equal(m.version % 10, 0, m.name);
      assert.ok(m.version > previous, m.name);
      previous = m.version;
    }
  });

  test('a fresh database gets every migration; re-opening applies none and keeps the data', async () => {
    const path = join(dir, 'fresh.db');
    const secrets = createMemorySecretStore();
    const first = await openProfileStore({ path, secrets });
    assert.equal(databaseOf(first).pragma('user_version', { simple: true }), latestSchemaVersion());
    first.accounts.create({ provider: 'import', email: 'kept@example.com' });
    first.close();

    const second = await openProfileStore({ path, secrets });
    assert.deepEqual(runMigrations(databaseOf(second)), [], 'nothing pending');
    assert.equal(second.accounts.list()[0]?.email, 'kept@example.com');
    assert.equal(databaseOf(second).pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(databaseOf(second).pragma('foreign_keys', { simple: true }), 1);
    assert.equal(databaseOf(second).pragma('synchronous', { simple: true }), 1, 'NORMAL');
    assert.ok((databaseOf(second).pragma('busy_timeout', { simple: true }) as number) >= 1000);
    second.close();
  });

  test('refuses a database from a newer version', async () => {
    const path = join(dir, 'newer.db');
    const secrets = createMemorySecretStore();
    const store = await openProfileStore({ path, secrets });
    databaseOf(store).pragma(`user_version = ${latestSchemaVersion() + 10}`);
    store.close();
    await assert.rejects(openProfileStore({ path, secrets }), (error: unknown) => {
      assert.ok(error instanceof DatabaseTooNewError);
      assert.equal(error.code, 'too_new');
      assert.match(error.message, /newer than this Mailbridge supports/);
      return true;
    });
  });

  test('a failing migration rolls back every pending migration and is thrown', () => {
    const db = new Database(':memory:');
    const migrations: Migration[] = [
      { version: 10, name: 'ok', up: (d) => d.exec('CREATE TABLE a (x)') },
      { version: 20, name: 'broken', up: (d) => d.exec('CREATE TABLE b (x); INSERT INTO nowhere VALUES (1)') },
    ];
    assert.throws(() => runMigrations(db, migrations), /no such table: nowhere/);
    assert.equal(db.pragma('user_version', { simple: true }), 0);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')").pluck().get(), 0);
    db.close();
  });

  test('rejects a migration list out of order', () => {
    const db = new Database(':memory:');
    assert.throws(() => runMigrations(db, [{ version: 15, name: 'odd', up: () => {} }]), /multiple of 10/);
    db.close();
  });
});
