// Migration 160 and the compact search keys: a new database keys its index 16 a second, and
// its FTS5 leaves fit a page, for a smaller index that searches the same; a burst of mail
// dated alike overflows its second into the next without losing its order; a database
// version 150 wrote with messages keeps its 2^20 keys and searches on unchanged.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter150 } from './downgrade.ts';
import { message, openTestStore, rowCounts, type TestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';
import { KEYS_PER_SECOND, LEGACY_KEYS_PER_SECOND, keysPerSecond } from '../../../../src-main/store/search-index.ts';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const WORDS = ['pipeline', 'renewal', 'contract', 'invoice', 'pricing', 'meeting', 'forecast', 'proposal', 'discount', 'quarter'];

/** 2,000 messages a few hours apart, each with six of the shared words in turn. */
function mailbox(): ReturnType<typeof message>[] {
  return Array.from({ length: 2_000 }, (_, i) => {
    const at = START + i * 3 * 3_600_000 + (i % 7) * 60_000;
    const text = Array.from({ length: 40 }, (_, w) => WORDS[(i + (w % 6)) % WORDS.length]).join(' ');
    return message({ id: `m-${i}`, internalDate: at, date: at, text: `${text} ref${i}` });
  });
}

const keys = (t: TestStore) => databaseOf(t.store).prepare('SELECT search_key FROM messages ORDER BY received_at, id').pluck().all() as number[];
const indexBytes = (t: TestStore) => databaseOf(t.store).prepare('SELECT sum(length(block)) FROM messages_fts_data').pluck().get() as number;

describe('migration 0160 compact search keys', () => {
  test('a new database keys its index 16 a second with leaves that fit a page: the index is smaller and finds the same, newest first', async () => {
    const compact = await openTestStore();
    const legacy = await openTestStore();
    try {
      assert.equal(keysPerSecond(databaseOf(compact.store)), KEYS_PER_SECOND);
      const pgsz = databaseOf(compact.store).prepare("SELECT v FROM messages_fts_config WHERE k = 'pgsz'").pluck().get();
      assert.equal(pgsz, 4_000, 'a 4,096-byte page less the cipher’s reserve and the cell overhead');
      // The same mail at the old scale, for comparison.
      databaseOf(legacy.store).exec(`UPDATE search_key_scale SET keys_per_second = ${LEGACY_KEYS_PER_SECOND}`);
      legacy.store.close();
      legacy.store = await openProfileStore({ path: legacy.path, secrets: legacy.secrets });
      for (const t of [compact, legacy]) {
        const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
        t.store.messages.saveMessages(accountId, mailbox());
      }
      const c = keys(compact);
      assert.deepEqual(c, [...c].sort((a, b) => a - b), 'keys in date order');
      assert.equal(c.at(-1)! / KEYS_PER_SECOND <= Date.UTC(2200, 0, 1) / 1000, true);
      assert.ok(indexBytes(compact) < 0.85 * indexBytes(legacy), `index ${indexBytes(compact)} bytes against ${indexBytes(legacy)} at 2^20 a second`);
      for (const query of ['pricing', 'ref1999', 'contract after:2024/03/01 before:2024/03/05', 'renewal -discount']) {
        const found = (t: TestStore) => t.store.search.search(query, { limit: 500 }).map((h) => h.date);
        assert.deepEqual(found(compact), found(legacy), query);
        assert.ok(found(compact).length > 0, `${query} finds something`);
        assert.deepEqual(found(compact), [...found(compact)].sort((a, b) => b - a), `${query}: newest first`);
      }
    } finally {
      legacy.store.close(); // the reopened one; cleanup() closes the first
      compact.cleanup();
      legacy.cleanup();
    }
  });

  test('a second holding more than 16 messages lends keys from the next, in the order stored, one from that next second still sorts after them, and a message saved again keeps its key', async () => {
    const t = await openTestStore();
    try {
      const accountId = t.store.accounts.create({ provider: 'import', email: 'import@localhost' }).id;
      const at = START + 10 * DAY;
      t.store.messages.saveMessages(accountId, Array.from({ length: 20 }, (_, i) => message({ id: `burst-${i}`, internalDate: at, date: at, text: `burst quote ${i}` })));
      t.store.messages.saveMessages(accountId, [message({ id: 'next', internalDate: at + 1_000, date: at + 1_000, text: 'burst follow-up' })]);
      const stored = databaseOf(t.store).prepare('SELECT provider_message_id AS id, search_key AS key FROM messages ORDER BY search_key').all() as Array<{ id: string; key: number }>;
      const first = Math.floor(at / 1000) * KEYS_PER_SECOND;
      assert.deepEqual(stored.map((s) => s.key), Array.from({ length: 21 }, (_, i) => first + i), 'unique and consecutive');
      assert.deepEqual(stored.map((s) => s.id), [...Array.from({ length: 20 }, (_, i) => `burst-${i}`), 'next']);
      const hits = t.store.search.search('burst', { limit: 50 });
      assert.equal(hits.length, 21);
      assert.equal(hits[0]!.date, at + 1_000, 'the later message first');
      // Saved again (a re-import, a refetch), each keeps its key: the pile does not creep on.
      t.store.messages.saveMessages(accountId, Array.from({ length: 20 }, (_, i) => message({ id: `burst-${i}`, internalDate: at, date: at, text: `burst quote ${i} again` })));
      const again = databaseOf(t.store).prepare('SELECT provider_message_id AS id, search_key AS key FROM messages ORDER BY search_key').all();
      assert.deepEqual(again, stored);
      assert.equal(t.store.search.search('again', { limit: 50 }).length, 20, 'indexed anew under the same keys');
      // Undated mail counts as 1970: more than 16 of it fill 1970's first seconds without colliding.
      t.store.messages.saveMessages(accountId, Array.from({ length: 40 }, (_, i) => message({ id: `undated-${i}`, internalDate: null, date: null })));
      assert.equal(databaseOf(t.store).prepare('SELECT count(DISTINCT search_key) FROM messages WHERE received_at = 0').pluck().get(), 40);
    } finally {
      t.cleanup();
    }
  });

  test('a version-150 database with messages opens at the latest version, keeps its 2^20 keys and searches on, new mail included', async () => {
    const t = await openTestStore();
    try {
      const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
      t.store.messages.saveMessages(accountId, mailbox().slice(0, 300));
      const db = databaseOf(t.store);
      undoMigrationsAfter150(db);
      db.pragma('user_version = 150');
      const before = { counts: rowCounts(t.store), keys: keys(t), hits: t.store.search.search('pricing', { limit: 500 }).map((h) => h.messageId) };
      t.store.close();
      t.store = await openProfileStore({ path: t.path, secrets: t.secrets });
      const reopened = databaseOf(t.store);
      assert.equal(reopened.pragma('user_version', { simple: true }), latestSchemaVersion());
      assert.equal(keysPerSecond(reopened), LEGACY_KEYS_PER_SECOND);
      assert.deepEqual({ counts: rowCounts(t.store), keys: keys(t), hits: t.store.search.search('pricing', { limit: 500 }).map((h) => h.messageId) }, before);
      const at = START + 400 * DAY;
      t.store.messages.saveMessages(accountId, [message({ id: 'new', internalDate: at, date: at, text: 'pricing after the upgrade' })]);
      assert.equal(reopened.prepare("SELECT v FROM messages_fts_config WHERE k = 'pgsz'").pluck().get(), 4_000, 'leaves that fit a page from now on');
      assert.throws(() => reopened.exec('INSERT INTO search_key_scale (keys_per_second) VALUES (16)'), /constraint/i, 'one scale per database');
      const key = reopened.prepare("SELECT search_key FROM messages WHERE provider_message_id = 'new'").pluck().get() as number;
      assert.equal(Math.floor(key / LEGACY_KEYS_PER_SECOND), Math.floor(at / 1000), 'keyed at the old scale');
      assert.equal(t.store.search.search('pricing after:2025/01/01', { limit: 5 })[0]?.date, at);
    } finally {
      t.store.close(); // the reopened one; cleanup() closes the first
      t.cleanup();
    }
  });
});
