// Opening the encrypted database: the key's life cycle in the keychain and the errors a
// user can act on. Uses the in-memory keychain; the OS keychain is covered in integration.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySecretStore } from '../../../src-main/platform/keychain.ts';
import { databaseKeyAccount, openEncryptedDatabase, resolveDatabaseKey } from '../../../src-main/store/database.ts';
import { DatabaseDecryptError, DatabaseKeyMissingError, StoreError } from '../../../src-main/store/errors.ts';
import { openProfileStore } from '../../../src-main/store/profile-store.ts';

describe('encrypted database open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-db-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the keychain account is derived from the absolute path', () => {
    const a = databaseKeyAccount('/tmp/x/mail.db');
    assert.match(a, /^database-key:[0-9a-f]{16}$/);
    assert.equal(databaseKeyAccount('/tmp/x/../x/mail.db'), a);
    assert.notEqual(databaseKeyAccount('/tmp/y/mail.db'), a);
  });

  test('first open creates a random 256-bit key in the keychain and the file', async () => {
    const path = join(dir, 'new.db');
    const secrets = createMemorySecretStore();
    const store = await openProfileStore({ path, secrets });
    store.close();
    const key = secrets.entries.get(databaseKeyAccount(path));
    assert.match(key ?? '', /^[0-9a-f]{64}$/);
    assert.ok(existsSync(path));

    const other = createMemorySecretStore();
    const second = await openProfileStore({ path: join(dir, 'new2.db'), secrets: other });
    second.close();
    assert.notEqual(other.entries.get(databaseKeyAccount(join(dir, 'new2.db'))), key, 'keys are random');
  });

  test('the database, its WAL and its shm are 0600 under a permissive umask, and a 0644 database is tightened', { skip: process.platform === 'win32' && 'POSIX modes' }, async () => {
    const mode = (file: string) => statSync(file).mode & 0o777;
    const previousUmask = process.umask(0o022);
    try {
      const path = join(dir, 'private.db');
      const secrets = createMemorySecretStore();
      const store = await openProfileStore({ path, secrets });
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(mode(file), 0o600, file);
      store.close();

      chmodSync(path, 0o644);
      const reopened = await openProfileStore({ path, secrets });
      assert.equal(mode(path), 0o600);
      reopened.close();
    } finally {
      process.umask(previousUmask);
    }
  });

  test('an existing database whose key is gone is never recreated over', async () => {
    const path = join(dir, 'orphan.db');
    const secrets = createMemorySecretStore();
    const store = await openProfileStore({ path, secrets });
    store.accounts.create({ provider: 'gmail', email: 'keep@example.com' });
    store.close();
    await secrets.delete(databaseKeyAccount(path));

    await assert.rejects(openProfileStore({ path, secrets }), (error: unknown) => {
      assert.ok(error instanceof DatabaseKeyMissingError);
      assert.equal(error.code, 'key_missing');
      assert.match(error.message, /exists but its key .* is missing from the OS keychain/);
      return true;
    });
    assert.equal(secrets.entries.size, 0, 'no new key was made up');
  });

  test('the wrong key fails with "cannot decrypt"', async () => {
    const path = join(dir, 'wrongkey.db');
    const secrets = createMemorySecretStore();
    (await openProfileStore({ path, secrets })).close();
    await secrets.set(databaseKeyAccount(path), 'ab'.repeat(32));
    await assert.rejects(openProfileStore({ path, secrets }), (error: unknown) => {
      assert.ok(error instanceof DatabaseDecryptError);
      assert.match(error.message, /^cannot decrypt .*wrongkey\.db/);
      assert.doesNotMatch(error.message, /abab/, 'the key never appears in the message');
      return true;
    });
  });

  test('a file that is not a database fails with "cannot decrypt"', () => {
    const path = join(dir, 'junk.db');
    writeFileSync(path, Buffer.alloc(8192, 7));
    assert.throws(() => openEncryptedDatabase({ path, key: 'cd'.repeat(32) }), DatabaseDecryptError);
  });

  test('a malformed keychain entry is refused, not used as a passphrase', async () => {
    const path = join(dir, 'malformed.db');
    const secrets = createMemorySecretStore({ [databaseKeyAccount(path)]: "x'; DROP" });
    await assert.rejects(resolveDatabaseKey({ path, secrets }), (e: unknown) => e instanceof StoreError && e.code === 'key_malformed');
    assert.throws(() => openEncryptedDatabase({ path, key: 'nothex' }), /64 hex characters/);
  });

  test('a keychain that does not keep the new key fails before any data is written', async () => {
    const path = join(dir, 'forgetful.db');
    const forgetful = { get: async () => null, set: async () => {}, delete: async () => false };
    await assert.rejects(resolveDatabaseKey({ path, secrets: forgetful }), /did not keep the new key/);
    assert.equal(existsSync(path), false);
  });
});
