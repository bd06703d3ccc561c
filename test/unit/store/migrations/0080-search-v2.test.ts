// Migration 80 and the search it makes possible (issue 10 item 1): an existing database is
// indexed again (stemmed, with attachment names, keyed by date), and every search shape is
// served in date order by an index, never by sorting the matches.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter60 } from './downgrade.ts';
import { message, openTestStore, type TestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';
import { searchBatchSql } from '../../../../src-main/store/search-repository.ts';
import { parseSearch } from '../../../../src-main/store/search-query.ts';

describe('migration 0080 search v2', () => {
  let t: TestStore;
  let store: ProfileStore;
  before(async () => {
    t = await openTestStore();
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    t.store.messages.saveMessages(accountId, Array.from({ length: 300 }, (_, i) =>
      message({ id: `m-${i}`, internalDate: 1_700_000_000_000 + ((i * 7919) % 300) * 60_000, text: i % 10 ? `note ${i}` : `the redlines ${i}` }),
    ));
    const db = databaseOf(t.store);
    undoMigrationsAfter60(db);
    db.exec('CREATE INDEX messages_unread ON messages (account_id, thread_id) WHERE unread = 1; PRAGMA user_version = 70;');
    t.store.close();
    store = await openProfileStore({ path: t.path, secrets: t.secrets });
  });
  after(() => {
    store?.close();
    t.cleanup();
  });

  test('opens at the latest version with one index row per message, keyed in date order', () => {
    const db = databaseOf(store);
    assert.equal(db.pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.equal(db.prepare('SELECT count(*) FROM messages_fts_docsize').pluck().get(), 300);
    const keys = db.prepare('SELECT search_key FROM messages ORDER BY received_at, id').pluck().all() as number[];
    assert.deepEqual([...keys].sort((a, b) => a - b), keys, 'keys sort as dates do');
    assert.equal(new Set(keys).size, 300);
  });

  test('the rebuilt index stems: "redline" finds the 30 messages with "redlines", newest first', () => {
    const hits = store.search.search('redline', { limit: 100 });
    assert.equal(hits.length, 30);
    assert.deepEqual(hits.map((h) => h.date), hits.map((h) => h.date).sort((a, b) => b - a));
  });

  test('a deleted message leaves the index with it', () => {
    const before = store.search.search('redline', { limit: 100 }).length;
    store.messages.deleteMessages(store.accounts.list()[0]!.id, ['m-0']);
    assert.equal(store.search.search('redline', { limit: 100 }).length, before - 1);
    databaseOf(store).prepare("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')").run();
  });

  test('every search shape walks an index in date order: no sort of the matches, however many', () => {
    const db = databaseOf(store);
    for (const query of ['redline', 'from:bob@x.example pricing', 'pricing is:unread label:INBOX has:attachment', 'is:unread', 'label:INBOX after:2026/01/01', '-draft is:starred']) {
      const { sql, params } = searchBatchSql(parseSearch(query), 1);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params, 1e15, 0, 50) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      assert.doesNotMatch(plan, /TEMP B-TREE/, `${query}:\n${plan}`);
      if (parseSearch(query).match !== null) {
        assert.match(plan, /SCAN s VIRTUAL TABLE INDEX/, `${query}:\n${plan}`);
        assert.match(plan, /SEARCH m USING INDEX messages_by_search_key \(search_key=\?\)/, `${query}:\n${plan}`);
      } else {
        assert.match(plan, /SCAN m USING INDEX messages_by_search_key|SEARCH m USING INDEX messages_by_search_key/, `${query}:\n${plan}`);
      }
    }
  });
});
