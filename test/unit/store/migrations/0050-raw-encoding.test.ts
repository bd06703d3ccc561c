// Migration 50 and the background compaction: a database written by the previous schema
// (raw sources stored as they came) opens, converts in batches, and keeps every message with
// its exact bytes, every label, outbox item and activity; new rows are stored compressed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter60 } from './downgrade.ts';
import { message, openTestStore, rowCounts, type TestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../../src-main/store/profile-store.ts';
import { snapshotActivity } from '../../../../src-main/crm/email-snapshot.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';

describe('migration 0050 raw encoding', () => {
  let t: TestStore;
  let reopened: ProfileStore | null = null;
  const originals = new Map<string, Uint8Array>();

  before(async () => {
    t = await openTestStore();
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    const batch = Array.from({ length: 450 }, (_, i) =>
      message({ id: `old-${i}`, labels: i % 3 ? ['INBOX'] : ['INBOX', 'UNREAD'], text: `Body ${i} `.repeat(40) }),
    );
    t.store.messages.saveMessages(accountId, batch);
    for (const m of batch) originals.set(m.incoming.providerMessageId, m.incoming.raw);
    // A logged email and a queued one, so the outbox and activities are there to survive.
    const [first, second] = [t.store.messages.getMessage(1)!, t.store.messages.getMessage(2)!];
    t.store.contacts.upsert('hubspot', [{ crmContactId: '501', email: 'bob@customer.example', name: 'Bob', company: '', owner: '' }]);
    const cached = t.store.contacts.listByEmails('hubspot', ['bob@customer.example'])[0]!;
    for (const [m, key] of [[first, 'k-1'], [second, 'k-2']] as const) {
      t.store.outbox.enqueue({ crm: 'hubspot', messageId: m.id, contactId: cached.id, crmContactId: '501', contactEmail: cached.email, payload: snapshotActivity(m, new Set(['rep@example.com']), key) });
    }
    const item = t.store.outbox.listByMessages([first.id])[0]!;
    t.store.outbox.markInFlight(item.id);
    t.store.outbox.markDone(item.id, '9001');

    // Make it the database version 40 wrote: raw bytes as they came, no raw_encoding column.
    // The later migrations are undone first: their bodies may be compressed against the stored source.
    const db = databaseOf(t.store);
    undoMigrationsAfter60(db);
    const put = db.prepare('UPDATE messages SET raw = ? WHERE provider_message_id = ?');
    for (const [id, raw] of originals) put.run(Buffer.from(raw), id);
    db.exec('DROP TABLE import_skips; DROP INDEX messages_raw_uncompressed; ALTER TABLE messages DROP COLUMN raw_encoding; PRAGMA user_version = 40;');
    t.store.close();
    reopened = await openProfileStore({ path: t.path, secrets: t.secrets });
  });

  after(() => {
    reopened?.close();
    t.cleanup();
  });

  const counts = rowCounts;

  test('opening migrates to the latest schema with every old row marked identity and readable as it was', () => {
    const store = reopened!;
    assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.equal(store.rawCompaction.remaining(), originals.size);
    assert.deepEqual(Buffer.from(store.messages.getMessage(7)!.raw), Buffer.from(originals.get(store.messages.getMessage(7)!.providerMessageId)!));
  });

  test('compaction converts in bounded batches and keeps every message, label, outbox item and activity', () => {
    const store = reopened!;
    const before = counts(store);
    const db = databaseOf(store);
    const storedBytes = () => db.prepare('SELECT sum(length(raw)) FROM messages').pluck().get() as number;
    const plainBytes = storedBytes();
    const batches: number[] = [];
    for (let n = store.rawCompaction.compressBatch(200); n > 0; n = store.rawCompaction.compressBatch(200)) batches.push(n);
    assert.deepEqual(batches, [200, 200, 50]);
    assert.equal(store.rawCompaction.remaining(), 0);
    assert.deepEqual(counts(store), before);
    assert.equal(before.outbox, 2);
    assert.equal(before.activities, 1);
    for (const id of [1, 100, 450]) {
      const m = store.messages.getMessage(id)!;
      assert.deepEqual(Buffer.from(m.raw), Buffer.from(originals.get(m.providerMessageId)!), `message ${id} byte for byte`);
    }
    assert.ok(storedBytes() < plainBytes * 0.6, `stored ${storedBytes()} of ${plainBytes} bytes`);
  });

  test('the rows left to convert are found through the partial index, not a scan', () => {
    const plan = (databaseOf(reopened!).prepare("EXPLAIN QUERY PLAN SELECT id, raw FROM messages WHERE raw_encoding = 'identity' ORDER BY id LIMIT 200").all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');
    assert.match(plan, /USING INDEX messages_raw_uncompressed/);
  });

  test('new messages are stored compressed and read back exactly', () => {
    const store = reopened!;
    const accountId = store.accounts.list()[0]!.id;
    const fresh = message({ id: 'new-1', text: 'fresh '.repeat(200) });
    store.messages.saveMessages(accountId, [fresh]);
    const row = databaseOf(store).prepare("SELECT id, raw_encoding, length(raw) AS bytes FROM messages WHERE provider_message_id = 'new-1'").get() as { id: number; raw_encoding: string; bytes: number };
    assert.equal(row.raw_encoding, 'zstd');
    assert.ok(row.bytes < fresh.incoming.raw.length);
    assert.deepEqual(Buffer.from(store.messages.getMessage(row.id)!.raw), Buffer.from(fresh.incoming.raw));
  });
});
