// Migration 150 and the background compaction of bodies against their sources: a database
// written by version 140 (every body plain zstd) opens, finds the rows to convert through
// the partial index, converts them in bounded batches to bodies a fraction of the size, and
// keeps every body, label, outbox item and search hit; a source too large to be a
// dictionary is left as it was and never picked again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { undoMigrationsAfter140 } from './downgrade.ts';
import { message, openTestStore, rowCounts, type TestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';
import { STANDALONE_BODIES } from '../../../../src-main/store/raw-compaction.ts';

describe('migration 0150 bodies against their source', () => {
  let t: TestStore;
  let reopened: ProfileStore | null = null;
  const bodies = new Map<number, { text: string; html: string | null }>();
  let before140: ReturnType<typeof rowCounts>;
  let largeId = 0;

  before(async () => {
    t = await openTestStore();
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    t.store.messages.saveMessages(accountId, Array.from({ length: 450 }, (_, i) =>
      message({ id: `old-${i}`, labels: i % 3 ? ['INBOX'] : ['INBOX', 'UNREAD'], text: `Pipeline capacity note ${i}: Grüße, 価格, the Mojave terms. `.repeat(30) }),
    ));
    // One message whose stored source is larger than a dictionary may be (300 KB that do not compress).
    t.store.messages.saveMessages(accountId, [message({ id: 'big', text: `See the survey: ${randomBytes(300_000).toString('base64')}` })]);
    largeId = databaseOf(t.store).prepare("SELECT id FROM messages WHERE provider_message_id = 'big'").pluck().get() as number;
    for (const id of [...Array.from({ length: 450 }, (_, i) => i + 1), largeId]) {
      const m = t.store.messages.getMessage(id)!;
      bodies.set(id, { text: m.text, html: m.html });
    }
    const db = databaseOf(t.store);
    undoMigrationsAfter140(db);
    db.pragma('user_version = 140');
    before140 = rowCounts(t.store);
    t.store.close();
    reopened = await openProfileStore({ path: t.path, secrets: t.secrets });
  });

  after(() => {
    reopened?.close();
    t.cleanup();
  });

  /** Body bytes of the 450 converted (the large one aside). */
  const bodyBytes = (store: ProfileStore) =>
    databaseOf(store).prepare('SELECT sum(length(CAST(body_text AS BLOB)) + coalesce(length(CAST(body_html AS BLOB)), 0)) FROM messages WHERE id <> ?').pluck().get(largeId) as number;
  const encodings = (store: ProfileStore) => Object.fromEntries((databaseOf(store).prepare('SELECT body_encoding, count(*) AS n FROM messages GROUP BY 1').all() as Array<{ body_encoding: string; n: number }>).map((r) => [r.body_encoding, r.n]));

  test('a version-140 database opens on the latest schema with its bodies plain zstd, read as they were', () => {
    const store = reopened!;
    assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.deepEqual(encodings(store), { zstd: 451 });
    assert.equal(store.rawCompaction.remaining(), 450, 'the large source is not counted');
    assert.deepEqual({ text: store.messages.getMessage(7)!.text, html: store.messages.getMessage(7)!.html }, bodies.get(7));
    const plan = (databaseOf(store).prepare(`EXPLAIN QUERY PLAN SELECT id FROM messages WHERE ${STANDALONE_BODIES} AND id > 0 ORDER BY id LIMIT 200`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    assert.match(plan, /USING (COVERING )?INDEX messages_body_standalone/, plan);
  });

  test('compaction converts in bounded batches to a fraction of the bytes and keeps every body, label, outbox item and search hit', () => {
    const store = reopened!;
    const bytesBefore = bodyBytes(store);
    const hits = store.search.search('Mojave').length;
    const batches: number[] = [];
    for (let n = store.rawCompaction.compressBatch(200); n > 0; n = store.rawCompaction.compressBatch(200)) batches.push(n);
    assert.deepEqual(batches, [200, 200, 50]);
    assert.equal(store.rawCompaction.remaining(), 0);
    assert.deepEqual(encodings(store), { 'zstd-source': 450, zstd: 1 }, 'the large source keeps its plain zstd bodies');
    for (const [id, body] of bodies) assert.deepEqual({ text: store.messages.getMessage(id)!.text, html: store.messages.getMessage(id)!.html }, body, `message ${id}`);
    assert.ok(bodyBytes(store) * 3 < bytesBefore, `${bodyBytes(store)} body bytes after, ${bytesBefore} before`);
    assert.deepEqual(rowCounts(store), before140);
    assert.equal(store.search.search('Mojave').length, hits);
    assert.equal(store.rawCompaction.compressBatch(200), 0, 'nothing picked again');
  });
});
