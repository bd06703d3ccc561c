import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { message, openTestStore, type TestStore } from './store-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

describe('MessageRepository', () => {
  let t: TestStore;
  let accountId: number;
  before(async () => {
    t = await openTestStore({ now: () => 1_000 });
    accountId = t.store.accounts.create({ provider: 'gmail', email: 'Rep@Example.com' }).id;
  });
  after(() => t.cleanup());

  test('saves a batch and re-saving the same messages never duplicates them', () => {
    const batch = [
      message({ id: 'm1', labels: ['INBOX', 'UNREAD'] }),
      message({ id: 'm2', threadId: 't-m1', internalDate: 1_700_000_100_000 }),
    ];
    assert.deepEqual(t.store.messages.saveMessages(accountId, batch), { inserted: 2, updated: 0 });
    const again = [message({ id: 'm1', labels: ['INBOX', 'STARRED'] }), batch[1]!];
    assert.deepEqual(t.store.messages.saveMessages(accountId, again), { inserted: 0, updated: 2 });

    const stats = t.store.messages.stats();
    assert.equal(stats.messages, 2);
    assert.equal(stats.threads, 1);
    const thread = t.store.threads.listThreads(accountId).threads[0]!;
    assert.equal(thread.messageCount, 2);
    assert.equal(thread.lastMessageAt, 1_700_000_100_000);
    assert.equal(thread.providerThreadId, 't-m1');

    const ids = t.store.messages.knownProviderIds(accountId);
    assert.deepEqual([...ids].sort(), ['m1', 'm2']);
    const m1 = t.store.search.search('"Subject m1"')[0]!;
    const stored = t.store.messages.getMessage(m1.messageId)!;
    assert.deepEqual(stored.labels, ['INBOX', 'STARRED'], 'labels replaced on re-save');
    assert.equal(stored.unread, false, 'UNREAD label gone, so not unread');
    assert.equal(t.store.search.search('m1').length, 1, 'one FTS row after re-save');
  });

  test('getMessage returns the raw source byte for byte, with participants', () => {
    const m = message({
      id: 'raw1',
      cc: [{ name: '', address: 'Carol@Example.org' }],
      to: [{ name: 'Bob', address: 'bob@customer.example' }, { name: 'Dan', address: 'dan@customer.example' }],
    });
    t.store.messages.saveMessages(accountId, [m]);
    const id = t.store.search.search('raw1')[0]!.messageId;
    const stored = t.store.messages.getMessage(id)!;
    assert.deepEqual(Buffer.from(stored.raw), Buffer.from(m.incoming.raw));
    assert.equal(stored.providerMessageId, 'raw1');
    assert.deepEqual(stored.from, { name: 'Alice Example', address: 'alice@example.com' });
    assert.deepEqual(
      stored.participants.map((p) => `${p.role}:${p.address}`),
      ['cc:carol@example.org', 'from:alice@example.com', 'to:bob@customer.example', 'to:dan@customer.example'],
    );
    assert.equal(t.store.messages.getMessage(999_999), null);
  });

  test('threads locally without a provider thread id: References root, In-Reply-To, Message-ID, subject', () => {
    const root = message({ id: 'l1', threadId: null, messageId: 'root@x', subject: 'Pricing' });
    const reply = message({
      id: 'l2', threadId: null, messageId: 'r1@x', inReplyTo: 'root@x', references: ['root@x'],
      subject: 'Re: Pricing', internalDate: 1_700_000_500_000,
    });
    const replyNoRefs = message({ id: 'l3', threadId: null, messageId: 'r2@x', inReplyTo: 'root@x', subject: 'RE: Pricing' });
    const bare1 = message({ id: 'l4', threadId: null, messageId: null, subject: 'Fwd: Lunch plans' });
    const bare2 = message({ id: 'l5', threadId: null, messageId: null, subject: 'lunch   PLANS' });
    t.store.messages.saveMessages(accountId, [reply, root, replyNoRefs, bare1, bare2]);

    const threadOf = (pid: string) => t.store.messages.getMessage(t.store.search.search(pid)[0]!.messageId)!.threadId;
    assert.equal(threadOf('l1'), threadOf('l2'));
    assert.equal(threadOf('l1'), threadOf('l3'));
    assert.equal(threadOf('l4'), threadOf('l5'));
    assert.notEqual(threadOf('l1'), threadOf('l4'));
    const pricing = t.store.threads.getThread(threadOf('l1'))!;
    assert.equal(pricing.messageCount, 3);
    assert.equal(pricing.subject, 'Pricing', 'thread subject is the earliest message subject');
    assert.equal(pricing.providerThreadId, null);
    assert.equal(t.store.messages.listThreadMessages(pricing.id).length, 3);
  });

  test('applyLabelChanges adds and removes labels and keeps unread in step', () => {
    t.store.messages.saveMessages(accountId, [message({ id: 'lab1', labels: ['INBOX'] })]);
    const id = t.store.search.search('lab1')[0]!.messageId;
    assert.equal(t.store.messages.applyLabelChanges(accountId, 'lab1', ['UNREAD', 'Label_7'], ['INBOX']), true);
    let m = t.store.messages.getMessage(id)!;
    assert.deepEqual(m.labels, ['Label_7', 'UNREAD']);
    assert.equal(m.unread, true);
    assert.equal(t.store.messages.applyLabelChanges(accountId, 'lab1', [], ['UNREAD', 'NOT_THERE']), true);
    m = t.store.messages.getMessage(id)!;
    assert.deepEqual(m.labels, ['Label_7']);
    assert.equal(m.unread, false);
    assert.equal(t.store.messages.applyLabelChanges(accountId, 'missing', ['INBOX'], []), false);
  });

  test('upsertLabels records names and types', () => {
    t.store.messages.upsertLabels(accountId, [
      { providerLabelId: 'Label_7', name: 'Customers', type: 'user' },
      { providerLabelId: 'INBOX', name: 'INBOX', type: 'system' },
    ]);
    const rows = databaseOf(t.store)
      .prepare('SELECT provider_label_id AS id, name, type FROM labels WHERE account_id = ? ORDER BY id')
      .all(accountId) as Array<{ id: string; name: string; type: string }>;
    assert.deepEqual(rows.find((r) => r.id === 'Label_7'), { id: 'Label_7', name: 'Customers', type: 'user' });
  });

  test('deleteMessages removes rows, FTS entries and emptied threads', () => {
    t.store.messages.saveMessages(accountId, [
      message({ id: 'd1', threadId: 'td', subject: 'Walrus contract' }),
      message({ id: 'd2', threadId: 'td', subject: 'Walrus contract', internalDate: 1_700_000_900_000 }),
    ]);
    const threadId = t.store.messages.getMessage(t.store.search.search('d1')[0]!.messageId)!.threadId;
    assert.equal(t.store.messages.deleteMessages(accountId, ['d2', 'never-seen']), 1);
    assert.equal(t.store.threads.getThread(threadId)!.messageCount, 1);
    assert.equal(t.store.threads.getThread(threadId)!.lastMessageAt, 1_700_000_000_000);
    assert.equal(t.store.search.search('walrus').length, 1);
    assert.equal(t.store.messages.deleteMessages(accountId, ['d1']), 1);
    assert.equal(t.store.threads.getThread(threadId), null, 'empty thread removed');
    const ftsRows = databaseOf(t.store).prepare('SELECT count(*) FROM messages_fts').pluck().get();
    assert.equal(ftsRows, t.store.messages.stats().messages, 'one FTS row per message');
    assert.equal(t.store.search.search('walrus').length, 0);
  });

  test('a failing batch writes nothing', () => {
    const before = t.store.messages.stats().messages;
    assert.throws(() => t.store.messages.saveMessages(987_654, [message({ id: 'x1' })]), /FOREIGN KEY/);
    assert.equal(t.store.messages.stats().messages, before);
  });

  test('stats counts messages with warnings', () => {
    const before = t.store.messages.stats().warnings;
    t.store.messages.saveMessages(accountId, [message({ id: 'w1', warnings: ['bad charset in part 2'] })]);
    assert.equal(t.store.messages.stats().warnings, before + 1);
    assert.equal(t.store.messages.stats().accounts, 1);
  });

  test('listThreads pages newest first without gaps or repeats', () => {
    const other = t.store.accounts.create({ provider: 'microsoft', email: 'paging@example.com' }).id;
    const batch = Array.from({ length: 25 }, (_, i) =>
      // Threes share a timestamp, so ties straddle the page boundary (items 9 and 10).
      message({ id: `p${i}`, threadId: `pt${i}`, internalDate: 1_000_000 + Math.floor(i / 3) * 1000 }),
    );
    t.store.messages.saveMessages(other, batch);
    const seen: number[] = [];
    const threadIds = new Set<number>();
    let before = null;
    let pages = 0;
    do {
      const page: ReturnType<typeof t.store.threads.listThreads> = t.store.threads.listThreads(other, { limit: 10, before });
      seen.push(...page.threads.map((th) => th.lastMessageAt));
      for (const th of page.threads) threadIds.add(th.id);
      assert.equal(new Set(page.threads.map((th) => th.accountId)).size, 1);
      before = page.next;
      pages += 1;
    } while (before);
    assert.equal(pages, 3);
    assert.equal(seen.length, 25);
    assert.equal(threadIds.size, 25, 'no thread repeated across pages');
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a));
  });
});
