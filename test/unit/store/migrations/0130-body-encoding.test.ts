// Migration 130 and the background compaction of bodies: a database written by version 120
// (body text and HTML as plain text) opens, converts in bounded batches, and keeps every
// message's text and HTML, every label, outbox item and activity, and search with its
// snippets; new rows keep their bodies compressed and read them back exactly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter120 } from './downgrade.ts';
import { message, openTestStore, rowCounts, type TestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../../src-main/store/profile-store.ts';
import { snapshotActivity } from '../../../../src-main/crm/email-snapshot.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';

describe('migration 0130 body encoding', () => {
  let t: TestStore;
  let reopened: ProfileStore | null = null;
  const bodies = new Map<number, { text: string; html: string | null }>();

  before(async () => {
    t = await openTestStore();
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    t.store.messages.saveMessages(accountId, Array.from({ length: 450 }, (_, i) =>
      message({ id: `old-${i}`, labels: i % 3 ? ['INBOX'] : ['INBOX', 'UNREAD'], text: `Quarterly gas tariff ${i}: Grüße, 価格 and terms. `.repeat(30) }),
    ));
    for (let id = 1; id <= 450; id += 1) {
      const m = t.store.messages.getMessage(id)!;
      bodies.set(id, { text: m.text, html: m.html });
    }
    const first = t.store.messages.getMessage(1)!;
    t.store.contacts.upsert('hubspot', [{ crmContactId: '501', email: 'bob@customer.example', name: 'Bob', company: '', owner: '' }]);
    const cached = t.store.contacts.listByEmails('hubspot', ['bob@customer.example'])[0]!;
    t.store.outbox.enqueue({ crm: 'hubspot', messageId: first.id, contactId: cached.id, crmContactId: '501', contactEmail: cached.email, payload: snapshotActivity(first, new Set(['rep@example.com']), 'k-1') });
    const item = t.store.outbox.listByMessages([first.id])[0]!;
    t.store.outbox.markInFlight(item.id);
    t.store.outbox.markDone(item.id, '9001');

    const db = databaseOf(t.store);
    undoMigrationsAfter120(db);
    db.pragma('user_version = 120');
    t.store.close();
    reopened = await openProfileStore({ path: t.path, secrets: t.secrets });
  });

  after(() => {
    reopened?.close();
    t.cleanup();
  });

  const counts = rowCounts;
  const bodyBytes = (store: ProfileStore) => databaseOf(store).prepare('SELECT sum(length(CAST(body_text AS BLOB)) + coalesce(length(CAST(body_html AS BLOB)), 0)) FROM messages').pluck().get() as number;

  test('a version-120 database opens on the latest schema with every body plain, marked identity and read as it was', () => {
    const store = reopened!;
    assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.equal(databaseOf(store).prepare("SELECT count(*) FROM messages WHERE body_encoding = 'identity'").pluck().get(), 450);
    assert.equal(store.rawCompaction.remaining(), 450);
    assert.deepEqual({ text: store.messages.getMessage(7)!.text, html: store.messages.getMessage(7)!.html }, bodies.get(7));
  });

  test('compaction converts in bounded batches and keeps every body, label, outbox item, activity and search hit', () => {
    const store = reopened!;
    const before = counts(store);
    const plain = bodyBytes(store);
    const hitsBefore = store.search.search('tariff 321').map((h) => [h.messageId, h.snippet]);
    const batches: number[] = [];
    for (let n = store.rawCompaction.compressBatch(200); n > 0; n = store.rawCompaction.compressBatch(200)) batches.push(n);
    assert.deepEqual(batches, [200, 200, 50]);
    assert.equal(store.rawCompaction.remaining(), 0);
    assert.deepEqual(counts(store), before);
    assert.equal(before.outbox, 1);
    assert.equal(before.activities, 1);
    for (const [id, body] of bodies) {
      const m = store.messages.getMessage(id)!;
      assert.deepEqual({ text: m.text, html: m.html }, body, `message ${id}'s text and HTML`);
    }
    assert.ok(bodyBytes(store) < plain * 0.2, `bodies take ${bodyBytes(store)} of ${plain} bytes`);
    assert.deepEqual(store.search.search('tariff 321').map((h) => [h.messageId, h.snippet]), hitsBefore, 'search and its snippets unchanged');
    assert.ok(hitsBefore.length >= 1);
  });

  test('the rows left to convert are found through the partial index, not a scan', () => {
    const plan = (databaseOf(reopened!).prepare("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE body_encoding = 'identity' ORDER BY id LIMIT 200").all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');
    assert.match(plan, /USING (COVERING )?INDEX messages_body_uncompressed/);
  });

  test('new messages keep their bodies compressed and read them back exactly; an empty body stays empty', () => {
    const store = reopened!;
    const accountId = store.accounts.list()[0]!.id;
    store.messages.saveMessages(accountId, [message({ id: 'new-1', text: 'fresh '.repeat(200) }), message({ id: 'new-2', text: '' })]);
    const rows = databaseOf(store).prepare("SELECT id, body_encoding, typeof(body_text) AS kind FROM messages WHERE provider_message_id IN ('new-1', 'new-2') ORDER BY id").all() as Array<{ id: number; body_encoding: string; kind: string }>;
    assert.deepEqual(rows.map((r) => [r.body_encoding, r.kind]), [['zstd-source', 'blob'], ['zstd-source', 'text']]);
    assert.equal(store.messages.getMessage(rows[0]!.id)!.text, 'fresh '.repeat(200));
    assert.equal(store.messages.getMessage(rows[1]!.id)!.text, '');
    assert.equal(store.search.search('fresh').length, 1);
  });
});
