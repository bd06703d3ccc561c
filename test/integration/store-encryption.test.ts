// The store on disk, keyed through the real OS keychain: neither the database file nor its
// WAL holds plaintext (before and after a checkpoint), a wrong key and a missing keychain
// entry fail clearly. A plain SQLite file with the same data is the control that proves
// the byte search would find the text if it were there.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { createOsSecretStore } from '../../src-main/platform/keychain.ts';
import { databaseKeyAccount } from '../../src-main/store/database.ts';
import { DatabaseDecryptError, DatabaseKeyMissingError } from '../../src-main/store/errors.ts';
import { createProfileStore, openProfileStore, databaseOf } from '../../src-main/store/profile-store.ts';
import { runMigrations } from '../../src-main/store/migrations/index.ts';
import { message } from '../unit/store/store-fixtures.ts';

const CANARIES = ['Zanzibar-Canary-Subject', 'canary.person@plaintext-check.example', 'Quixotic-Body-Canary', 'Canary Person'];

const canary = () =>
  message({
    id: 'canary-1',
    subject: 'Zanzibar-Canary-Subject',
    from: { name: 'Canary Person', address: 'canary.person@plaintext-check.example' },
    text: 'Quixotic-Body-Canary appears in the body text.',
  });

function leaks(path: string): string[] {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  return CANARIES.filter((c) => bytes.includes(Buffer.from(c, 'utf8')));
}

describe('encrypted store on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-enc-'));
  const secrets = createOsSecretStore();
  const created: string[] = [];
  after(async () => {
    for (const path of created) await secrets.delete(databaseKeyAccount(path));
    rmSync(dir, { recursive: true, force: true });
  });

  test('control: an unencrypted database does show the canaries', () => {
    const path = join(dir, 'plain.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    runMigrations(db);
    const store = createProfileStore(db);
    const id = store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    store.messages.saveMessages(id, [canary()]);
    assert.ok(leaks(`${path}-wal`).length > 0, 'plaintext visible in the WAL');
    store.close();
    assert.ok(leaks(path).length > 0, 'plaintext visible in the file');
  });

  test('neither the database nor its WAL contain plaintext, before or after a checkpoint', async () => {
    const path = join(dir, 'mail.db');
    created.push(path);
    const store = await openProfileStore({ path, secrets });
    assert.match((await secrets.get(databaseKeyAccount(path))) ?? '', /^[0-9a-f]{64}$/, 'key in the OS keychain');
    const id = store.accounts.create({ provider: 'gmail', email: 'canary.person@plaintext-check.example' }).id;
    store.accounts.setTokens(id, { refresh_token: 'Quixotic-Body-Canary' });
    store.messages.saveMessages(id, [canary()]);
    assert.equal(store.search.search('zanzibar').length, 1, 'readable through the store');

    assert.ok(readFileSync(`${path}-wal`).length > 0, 'the WAL holds the new pages');
    assert.deepEqual(leaks(`${path}-wal`), [], 'WAL before checkpoint');
    assert.deepEqual(leaks(path), [], 'file before checkpoint');
    assert.deepEqual(leaks(`${path}-shm`), [], 'shared-memory index');

    databaseOf(store).pragma('wal_checkpoint(PASSIVE)');
    assert.deepEqual(leaks(`${path}-wal`), [], 'WAL after checkpoint');
    assert.deepEqual(leaks(path), [], 'file after checkpoint');
    store.close();
    assert.deepEqual(leaks(path), [], 'file after close');

    const plain = new Database(path);
    assert.throws(() => plain.prepare('SELECT count(*) FROM sqlite_master').get(), /file is not a database/);
    plain.close();

    const reopened = await openProfileStore({ path, secrets });
    assert.equal(reopened.search.search('from:canary.person@plaintext-check.example').length, 1);
    reopened.close();
  });

  test('opening with the wrong key fails with "cannot decrypt"', async () => {
    const path = join(dir, 'wrong.db');
    created.push(path);
    (await openProfileStore({ path, secrets })).close();
    await secrets.set(databaseKeyAccount(path), '0'.repeat(64));
    await assert.rejects(openProfileStore({ path, secrets }), (e: unknown) => e instanceof DatabaseDecryptError && /cannot decrypt/.test(e.message));
  });

  test('opening without the keychain entry fails clearly and keeps the file', async () => {
    const path = join(dir, 'orphan.db');
    created.push(path);
    const store = await openProfileStore({ path, secrets });
    store.accounts.create({ provider: 'gmail', email: 'keep@example.com' });
    store.close();
    const size = readFileSync(path).length;
    await secrets.delete(databaseKeyAccount(path));
    await assert.rejects(openProfileStore({ path, secrets }), (e: unknown) => e instanceof DatabaseKeyMissingError && /missing from the OS keychain/.test(e.message));
    assert.equal(readFileSync(path).length, size, 'file untouched');
    assert.equal(await secrets.get(databaseKeyAccount(path)), null, 'no replacement key created');
  });
});
