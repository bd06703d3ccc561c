// Threads for mail without a provider thread id (issue 10 item 4): References / In-Reply-To
// chains in any arrival order, then base subject + a shared correspondent within 30 days;
// provider threads are never regrouped; migration 90 regroups a profile threaded the old way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { message, openTestStore, type TestStore } from './store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../src-main/store/profile-store.ts';
import { undoMigrationsAfter90 } from './migrations/downgrade.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2001, 4, 1);
const rep = { name: 'Rep', address: 'rep@ours.example' };
const ana = { name: 'Ana', address: 'ana@customer.example' };
const zed = { name: 'Zed', address: 'zed@elsewhere.example' };

describe('local threading', () => {
  let t: TestStore;
  let accountId: number;
  before(async () => {
    t = await openTestStore();
    accountId = t.store.accounts.create({ provider: 'import', email: rep.address }).id;
  });
  after(() => t.cleanup());

  const threadOf = (id: string) => databaseOf(t.store).prepare('SELECT thread_id FROM messages WHERE provider_message_id = ?').pluck().get(id) as number;
  const save = (...specs: Parameters<typeof message>[0][]) => t.store.messages.saveMessages(accountId, specs.map((s) => message({ threadId: null, ...s })));

  test('an In-Reply-To chain without References is one thread, whatever order it arrives in', () => {
    save({ id: 'c3', subject: 'c3 Pricing', messageId: 'c3@x', inReplyTo: 'c2@x', internalDate: T0 + 2 * DAY, from: ana, to: [rep] });
    save({ id: 'c1', subject: 'c1 Pricing', messageId: 'c1@x', internalDate: T0, from: rep, to: [ana] });
    save({ id: 'c2', subject: 'c2 Pricing', messageId: 'c2@x', inReplyTo: 'c1@x', internalDate: T0 + DAY, from: ana, to: [rep] });
    // c3 arrived first and named only c2; c2 then joined c1's thread: a later reply to c3 brings c3's thread along.
    save({ id: 'c4', subject: 'c4 Pricing', messageId: 'c4@x', inReplyTo: 'c2@x', references: ['c1@x', 'c2@x'], internalDate: T0 + 3 * DAY, from: rep, to: [ana] });
    assert.equal(threadOf('c2'), threadOf('c1'));
    assert.equal(threadOf('c4'), threadOf('c1'));
  });

  test('no headers: the same base subject and a shared correspondent within 30 days is one thread', () => {
    save({ id: 's1', subject: 'Budget for Q3', messageId: 's1@x', internalDate: T0, from: rep, to: [ana] });
    save({ id: 's2', subject: 'RE: Budget for Q3', messageId: 's2@x', internalDate: T0 + 2 * DAY, from: ana, to: [rep] });
    save({ id: 's3', subject: 'AW: Fw: budget for q3', messageId: 's3@x', internalDate: T0 + 5 * DAY, from: ana, to: [rep] });
    save({ id: 's4', subject: 'Budget for Q3', messageId: 's4@x', internalDate: T0 + 3 * DAY, from: zed, to: [{ name: '', address: 'other@elsewhere.example' }] });
    save({ id: 's5', subject: 'Budget for Q3', messageId: 's5@x', internalDate: T0 + 90 * DAY, from: rep, to: [ana] });
    assert.equal(threadOf('s2'), threadOf('s1'));
    assert.equal(threadOf('s3'), threadOf('s1'), 'prefixes in other languages and case do not matter');
    assert.notEqual(threadOf('s4'), threadOf('s1'), 'strangers with the same subject are another conversation');
    assert.notEqual(threadOf('s5'), threadOf('s1'), 'three months later is another conversation');
    assert.equal(t.store.threads.getThread(threadOf('s1'))!.messageCount, 3);
  });

  test('mail without a Message-ID is threaded by the subject rule too, never by its subject alone', () => {
    save({ id: 'n1', subject: 'Hello', messageId: null, internalDate: T0, from: ana, to: [rep] });
    save({ id: 'n2', subject: 'Hello', messageId: null, internalDate: T0 + 400 * DAY, from: zed, to: [rep] });
    save({ id: 'n3', subject: 'Re: Hello', messageId: null, internalDate: T0 + DAY, from: rep, to: [ana] });
    assert.notEqual(threadOf('n2'), threadOf('n1'), 'a stranger a year later with the same subject is another conversation');
    assert.equal(threadOf('n3'), threadOf('n1'));
  });

  test('the mailbox’s own address is not a shared correspondent', () => {
    save({ id: 'o1', subject: 'Quote request', messageId: 'o1@x', internalDate: T0, from: ana, to: [rep] });
    save({ id: 'o2', subject: 'Quote request', messageId: 'o2@x', internalDate: T0 + 14 * DAY, from: zed, to: [rep] });
    assert.notEqual(threadOf('o2'), threadOf('o1'), 'two customers writing to the rep are two conversations');
  });

  test('mail the provider threads is never regrouped by subject', async () => {
    const gmail = t.store.accounts.create({ provider: 'gmail', email: 'g@ours.example' }).id;
    t.store.messages.saveMessages(gmail, [
      message({ id: 'g1', threadId: 'T1', subject: 'Lunch', internalDate: T0, from: rep, to: [ana] }),
      message({ id: 'g2', threadId: 'T2', subject: 'Re: Lunch', internalDate: T0 + DAY, from: ana, to: [rep] }),
    ]);
    assert.notEqual(threadOf('g1'), threadOf('g2'));
  });

  test('migration 90 regroups a profile where every local message was its own thread', async () => {
    const other = await openTestStore();
    try {
      const id = other.store.accounts.create({ provider: 'import', email: rep.address }).id;
      other.store.messages.saveMessages(id, [
        message({ id: 'a', threadId: null, subject: 'Contract', messageId: 'a@x', internalDate: T0, from: rep, to: [ana] }),
        message({ id: 'b', threadId: null, subject: 'Re: Contract', messageId: 'b@x', inReplyTo: 'a@x', internalDate: T0 + DAY, from: ana, to: [rep] }),
        message({ id: 'c', threadId: null, subject: 'Re: Contract', messageId: 'c@x', internalDate: T0 + 2 * DAY, from: ana, to: [rep] }),
        message({ id: 'd', threadId: null, subject: 'Unrelated', messageId: 'd@x', internalDate: T0, from: zed, to: [rep] }),
      ]);
      const db = databaseOf(other.store);
      // As version 80 left it: one thread per message, keyed on its own Message-ID or the one it answers.
      // b named a in In-Reply-To, so shared its key; c had no headers and was alone, as was d.
      const answers: Record<string, string> = { 'b@x': 'a@x' };
      const threadByKey = new Map<string, number>();
      for (const row of db.prepare('SELECT id, message_id_header AS mid, subject, received_at FROM messages ORDER BY received_at').all() as Array<{ id: number; mid: string; subject: string; received_at: number }>) {
        const key = `old:${answers[row.mid] ?? row.mid}`;
        let thread = threadByKey.get(key);
        if (thread === undefined) {
          thread = Number(db.prepare('INSERT INTO threads (account_id, thread_key, subject) VALUES (?, ?, ?)').run(id, key, row.subject).lastInsertRowid);
          threadByKey.set(key, thread);
        }
        db.prepare('UPDATE messages SET thread_id = ? WHERE id = ?').run(thread, row.id);
      }
      db.exec(`DELETE FROM threads WHERE NOT EXISTS (SELECT 1 FROM messages WHERE thread_id = threads.id);
        UPDATE threads SET message_count = (SELECT count(*) FROM messages WHERE thread_id = threads.id),
          last_message_at = (SELECT max(received_at) FROM messages WHERE thread_id = threads.id),
          thread_key = 'l:' || substr(thread_key, 5)`);
      undoMigrationsAfter90(db);
      db.exec('DROP INDEX threads_by_base_subject; ALTER TABLE threads DROP COLUMN base_subject; PRAGMA user_version = 80;');
      assert.equal(db.prepare('SELECT count(*) FROM threads').pluck().get(), 3);
      other.store.close();
      const store = await openProfileStore({ path: other.path, secrets: other.secrets });
      try {
        const threads = databaseOf(store).prepare('SELECT subject, message_count FROM threads ORDER BY subject').all();
        assert.deepEqual(threads, [{ subject: 'Contract', message_count: 3 }, { subject: 'Unrelated', message_count: 1 }]);
      } finally {
        store.close();
      }
    } finally {
      other.cleanup();
    }
  });
});
