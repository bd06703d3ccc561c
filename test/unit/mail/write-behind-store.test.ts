// The write-behind sync store over a real encrypted store and its writer thread: writes are
// applied in the order made, reads see every earlier write, progress is reported only after
// the commit it counts, a failed write stops everything after it (a cursor never passes
// messages that were not stored) and surfaces with SQLite's code, and close applies what
// is posted.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { imapSyncStoreFor } from '../../../src-main/mail/imap-sync-store.ts';
import { StoreWriteError, WriteBehindStore } from '../../../src-main/mail/write-behind-store.ts';
import { databaseKeyAccount } from '../../../src-main/store/database.ts';
import { message, openTestStore, type TestStore } from '../store/store-fixtures.ts';

let t: TestStore;
let accountId: number;
let writer: WriteBehindStore;

async function openWriter(pendingBatches?: number, compressBeforePosting = false): Promise<WriteBehindStore> {
  const databaseKey = (await t.secrets.get(databaseKeyAccount(t.path)))!;
  return new WriteBehindStore({ databasePath: t.path, databaseKey, compressBeforePosting, ...(pendingBatches ? { pendingBatches } : {}) });
}

const item = (id: string) => {
  const { incoming, parsed } = message({ id });
  return { incoming, parsed };
};
/** What another connection (the app's) sees committed. */
const committed = () => t.store.messages.knownProviderIds(accountId);

beforeEach(async () => {
  t = await openTestStore();
  accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
});
afterEach(async () => {
  await writer?.close();
  t.cleanup();
});

test('writes are applied in order and a read sees every write made before it', async () => {
  writer = await openWriter();
  const store = writer.syncStore(imapSyncStoreFor(t.store));
  store.saveMessages(accountId, [item('a'), item('b')]);
  store.deleteMessages(accountId, ['a']);
  store.saveMessages(accountId, [item('c')]);
  store.setCursor(accountId, 'h-1', 'full');
  assert.deepEqual([...store.knownProviderIds(accountId)].sort(), ['b', 'c']);
  assert.equal(store.getCursor(accountId), 'h-1');
});

for (const compressBeforePosting of [false, true]) {
  test(`a message compressed ${compressBeforePosting ? 'before posting' : 'by the writer'} reads back whole`, async () => {
    writer = await openWriter(undefined, compressBeforePosting);
    const store = writer.syncStore(imapSyncStoreFor(t.store));
    const sent = message({ id: 'whole', text: 'Quarterly numbers attached. '.repeat(40) });
    store.saveMessages(accountId, [{ incoming: sent.incoming, parsed: { ...sent.parsed, html: '<p>Quarterly</p>' } }]);
    writer.drain();
    const stored = t.store.messages.getMessage(t.store.messages.findByMessageIdHeader(accountId, sent.parsed.messageId!)!)!;
    assert.deepEqual(Buffer.from(stored.raw), Buffer.from(sent.incoming.raw));
    assert.equal(stored.text, sent.parsed.text);
    assert.equal(stored.html, '<p>Quarterly</p>');
  });
}

test('progress runs once the writes before it are committed, not when they are posted', async () => {
  writer = await openWriter();
  const store = writer.syncStore(imapSyncStoreFor(t.store));
  store.saveMessages(accountId, [item('a')]);
  const seenAtProgress = await new Promise<string[]>((resolve) => writer.afterWrites(() => resolve([...committed()])));
  assert.deepEqual(seenAtProgress, ['a']);
});

test('saveMessages waits while the configured number of batches is uncommitted', async () => {
  writer = await openWriter(1);
  const store = writer.syncStore(imapSyncStoreFor(t.store));
  store.saveMessages(accountId, [item('a')]);
  store.saveMessages(accountId, [item('b')]);
  // With one batch in flight, posting the second waited for the first.
  assert.ok(committed().has('a'));
});

test('a failed write surfaces with its SQLite code, and nothing after it is applied or reported', async () => {
  writer = await openWriter();
  const store = writer.syncStore(imapSyncStoreFor(t.store));
  store.saveMessages(accountId, [item('a')]);
  store.setCursor(accountId, 'h-1', 'full');
  // The failure surfaces on the first call after the writer reports it, whichever that is.
  let failure: unknown = null;
  let reported = false;
  try {
    store.saveMessages(999_999, [item('orphan')]); // no such account: a foreign-key failure
    store.saveMessages(accountId, [item('after')]);
    store.setCursor(accountId, 'h-2', 'full');
    writer.afterWrites(() => (reported = true));
    writer.drain();
  } catch (error) {
    failure = error;
  }
  assert.ok(failure instanceof StoreWriteError, `drain threw ${String(failure)}`);
  assert.match(String(failure.code), /^SQLITE_CONSTRAINT/);
  assert.throws(() => store.getCursor(accountId), StoreWriteError, 'every later call throws the same failure');
  assert.deepEqual([...committed()], ['a']);
  assert.equal(t.store.syncState.get(accountId)?.historyCursor, 'h-1', 'the cursor stays before the failed batch');
  await writer.close();
  assert.equal(reported, false);
});

test('close applies every write posted before it', async () => {
  writer = await openWriter();
  const store = writer.syncStore(imapSyncStoreFor(t.store));
  store.saveMessages(accountId, [item('a')]);
  store.setCursor(accountId, 'h-9', 'full');
  await writer.close();
  assert.deepEqual([...committed()], ['a']);
  assert.equal(t.store.syncState.get(accountId)?.historyCursor, 'h-9');
  assert.throws(() => store.saveMessages(accountId, [item('b')]), /closed/);
});

test('a store the writer cannot open fails the first write at once, with the reason', async () => {
  writer = new WriteBehindStore({ databasePath: t.path, databaseKey: 'ab'.repeat(32) }); // not this database's key
  const store = writer.syncStore(imapSyncStoreFor(t.store));
  const started = Date.now();
  assert.throws(() => {
    store.saveMessages(accountId, [item('a')]);
    writer.drain();
  }, (error: unknown) => error instanceof StoreWriteError && /decrypt|key/i.test(`${error.name} ${error.message}`));
  assert.ok(Date.now() - started < 10_000, 'no wait for a writer that never started');
  assert.deepEqual([...committed()], []);
});
