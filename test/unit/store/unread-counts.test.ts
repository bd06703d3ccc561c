// Unread thread counts beside accounts and labels (issue 15 item 3): a thread counts once
// however many of its messages are unread, per account and per label, and the counts read
// only the partial index over unread messages whatever the mailbox size.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { message, openTestStore, type TestStore } from './store-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import { LABELS_SQL, UNREAD_BY_ACCOUNT_SQL } from '../../../src-main/store/inbox-repository.ts';

describe('unread thread counts', () => {
  let t: TestStore;
  let work: number;
  let home: number;
  before(async () => {
    t = await openTestStore();
    work = t.store.accounts.create({ provider: 'gmail', email: 'rep@work.example' }).id;
    home = t.store.accounts.create({ provider: 'gmail', email: 'rep@home.example' }).id;
    t.store.messages.saveMessages(work, [
      // Thread a: two unread messages in the inbox, one of them also starred.
      message({ id: 'a1', threadId: 'a', labels: ['INBOX', 'UNREAD'] }),
      message({ id: 'a2', threadId: 'a', labels: ['INBOX', 'UNREAD', 'STARRED'] }),
      // Thread b: read.
      message({ id: 'b1', threadId: 'b', labels: ['INBOX'] }),
      // Thread c: one unread message under a user label, one read.
      message({ id: 'c1', threadId: 'c', labels: ['Deals', 'UNREAD'] }),
      message({ id: 'c2', threadId: 'c', labels: ['Deals', 'INBOX'] }),
    ]);
    t.store.messages.saveMessages(home, [message({ id: 'h1', threadId: 'h', labels: ['INBOX', 'UNREAD'] })]);
  });
  after(() => t.cleanup());

  const countsOf = (accountId?: number) =>
    Object.fromEntries(t.store.inbox.labels(accountId).map((l) => [`${l.accountId}:${l.name}`, l.unreadThreads]));

  test('per account, a thread with several unread messages counts once', () => {
    assert.deepEqual(Object.fromEntries(t.store.inbox.unreadThreadsByAccount()), { [work]: 2, [home]: 1 });
  });

  test('per label, of one account or of all', () => {
    assert.deepEqual(countsOf(work), { [`${work}:INBOX`]: 1, [`${work}:STARRED`]: 1, [`${work}:UNREAD`]: 2, [`${work}:Deals`]: 1 });
    assert.equal(countsOf()[`${home}:INBOX`], 1);
  });

  test('reading a message (UNREAD removed) lowers the counts', () => {
    t.store.messages.applyLabelChanges(work, 'c1', [], ['UNREAD']);
    assert.equal(t.store.inbox.unreadThreadsByAccount().get(work), 1);
    assert.equal(countsOf(work)[`${work}:Deals`], 0);
  });

  test('both counts use the partial index over unread messages, never a scan of every message', () => {
    const db = databaseOf(t.store);
    for (const sql of [UNREAD_BY_ACCOUNT_SQL, LABELS_SQL]) {
      const details = db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => row.detail).join('\n');
      assert.match(details, /USING (COVERING )?INDEX messages_unread/, details);
      assert.doesNotMatch(details, /SCAN messages$|SCAN m$/m, details);
    }
  });
});
