import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { message, openTestStore, type TestStore } from './store-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

describe('AccountRepository and SyncStateRepository', () => {
  let t: TestStore;
  let clock = 100;
  before(async () => {
    t = await openTestStore({ now: () => clock });
  });
  after(() => t.cleanup());

  test('create, get, find, list and setStatus', () => {
    const a = t.store.accounts.create({ provider: 'gmail', email: ' Rep@Example.COM ', displayName: 'Rep' });
    assert.deepEqual(a, {
      id: a.id, provider: 'gmail', email: 'rep@example.com', displayName: 'Rep', status: 'connected', createdAt: 100, updatedAt: 100,
    });
    assert.deepEqual(t.store.accounts.get(a.id), a);
    assert.deepEqual(t.store.accounts.findByEmail('gmail', 'REP@example.com'), a);
    assert.equal(t.store.accounts.findByEmail('microsoft', 'rep@example.com'), null);
    assert.throws(() => t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }), /UNIQUE/);

    clock = 200;
    assert.equal(t.store.accounts.setStatus(a.id, 'reconnect_required'), true);
    assert.equal(t.store.accounts.get(a.id)?.status, 'reconnect_required');
    assert.equal(t.store.accounts.get(a.id)?.updatedAt, 200);
    assert.equal(t.store.accounts.setStatus(999, 'connected'), false);
    assert.throws(() => t.store.accounts.setStatus(a.id, 'bogus' as never), /CHECK/);
    assert.equal(t.store.accounts.list().length, 1);
  });

  test('tokens round-trip as JSON and are replaced on set', () => {
    const id = t.store.accounts.create({ provider: 'microsoft', email: 'ms@example.com' }).id;
    assert.equal(t.store.accounts.getTokens(id), null);
    t.store.accounts.setTokens(id, { access_token: 'a1', refresh_token: 'r1', expiry_date: 5 });
    t.store.accounts.setTokens(id, { access_token: 'a2', refresh_token: 'r1', expiry_date: 9 });
    assert.deepEqual(t.store.accounts.getTokens(id), { access_token: 'a2', refresh_token: 'r1', expiry_date: 9 });
    assert.throws(() => t.store.accounts.setTokens(424242, {}), /FOREIGN KEY/);
  });

  test('sync state merges patches and keeps the cursor as text', () => {
    const id = t.store.accounts.create({ provider: 'gmail', email: 'sync@example.com' }).id;
    assert.equal(t.store.syncState.get(id), null);
    clock = 300;
    t.store.syncState.set(id, { state: 'full_sync' });
    clock = 400;
    const s = t.store.syncState.set(id, { historyCursor: '18446744073709551615', state: 'idle', lastFullSyncAt: 400 });
    assert.deepEqual(t.store.syncState.get(id), s);
    assert.equal(s.historyCursor, '18446744073709551615', 'a 64-bit historyId survives intact');
    assert.equal(s.updatedAt, 400);
    t.store.syncState.set(id, { state: 'error', lastError: 'HTTP 503' });
    const e = t.store.syncState.get(id)!;
    assert.equal(e.historyCursor, '18446744073709551615', 'fields absent from the patch are kept');
    assert.equal(e.lastFullSyncAt, 400);
    assert.equal(t.store.syncState.set(id, { lastError: null }).lastError, null);
  });

  test('a state the disk could not take is read from memory until a write succeeds', () => {
    const id = t.store.accounts.create({ provider: 'gmail', email: 'full-disk@example.com' }).id;
    t.store.syncState.set(id, { state: 'full_sync', historyCursor: 'h-1' });
    const remembered = t.store.syncState.rememberUnwritten(id, { state: 'error', lastError: 'The disk is full' });
    assert.deepEqual([remembered.state, remembered.lastError, remembered.historyCursor], ['error', 'The disk is full', 'h-1']);
    assert.deepEqual(t.store.syncState.get(id), remembered);
    const stored = databaseOf(t.store).prepare('SELECT state FROM sync_state WHERE account_id = ?').pluck().get(id);
    assert.equal(stored, 'full_sync', 'nothing written');
    t.store.syncState.set(id, { state: 'idle', lastError: null });
    assert.deepEqual([t.store.syncState.get(id)!.state, t.store.syncState.get(id)!.lastError], ['idle', null], 'the next write takes over');
  });

  test('removing an account removes what it owns', () => {
    const id = t.store.accounts.create({ provider: 'import', email: 'gone@example.com' }).id;
    t.store.accounts.setTokens(id, { x: 1 });
    t.store.syncState.set(id, { state: 'idle' });
    t.store.messages.saveMessages(id, [message({ id: 'g1', labels: ['INBOX'] }), message({ id: 'g2', threadId: 't-g1' })]);
    const before = t.store.messages.stats();
    assert.equal(t.store.accounts.remove(id), true);
    assert.deepEqual(t.store.messages.stats(), { ...before, accounts: before.accounts - 1, messages: before.messages - 2, threads: before.threads - 1 });
    const ftsRows = databaseOf(t.store).prepare('SELECT count(*) FROM messages_fts').pluck().get();
    assert.equal(ftsRows, before.messages - 2, 'no FTS row outlives its message');
    assert.equal(t.store.accounts.getTokens(id), null);
    assert.equal(t.store.syncState.get(id), null);
  });
});
