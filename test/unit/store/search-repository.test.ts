import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { message, openTestStore, type TestStore } from './store-fixtures.ts';

describe('SearchRepository', () => {
  let t: TestStore;
  let a1: number;
  let a2: number;
  before(async () => {
    t = await openTestStore();
    a1 = t.store.accounts.create({ provider: 'gmail', email: 'one@example.com' }).id;
    a2 = t.store.accounts.create({ provider: 'microsoft', email: 'two@example.com' }).id;
    t.store.messages.saveMessages(a1, [
      message({
        id: 's1', subject: 'Quarterly pricing review', internalDate: 3_000,
        from: { name: 'Zoë Müller', address: 'zoe@acme.example' },
        to: [{ name: 'Rep', address: 'one@example.com' }],
        text: 'Let us discuss the renewal terms for the enterprise plan.',
      }),
      message({
        id: 's2', subject: 'Lunch', internalDate: 2_000,
        from: { name: 'Bob Buyer', address: 'bob@customer.example' },
        to: [{ name: 'Zoe M', address: 'zoe@acme.example' }],
        text: 'Pricing came up briefly; also, the weather was nice.',
      }),
    ]);
    t.store.messages.saveMessages(a2, [
      message({
        id: 's3', subject: 'Pricing sheet', internalDate: 1_000,
        from: { name: 'Carol', address: 'carol@other.example' },
        text: 'Attached is the sheet.',
      }),
    ]);
  });
  after(() => t.cleanup());

  const ids = (hits: Array<{ messageId: number }>) =>
    hits.map((h) => t.store.messages.getMessage(h.messageId)!.providerMessageId);

  test('finds by sender address, sender name (diacritics folded), subject and body terms', () => {
    assert.deepEqual(ids(t.store.search.search('from:zoe@acme.example')), ['s1']);
    assert.deepEqual(ids(t.store.search.search('from:"zoe muller"')), ['s1']);
    assert.deepEqual(ids(t.store.search.search('to:zoe@acme.example')), ['s2']);
    assert.deepEqual(ids(t.store.search.search('subject:lunch')), ['s2']);
    assert.deepEqual(ids(t.store.search.search('renewal enterprise')), ['s1']);
    assert.deepEqual(ids(t.store.search.search('"renewal terms"')), ['s1']);
    assert.deepEqual(ids(t.store.search.search('"terms renewal"')), [], 'phrase order matters');
    assert.deepEqual(ids(t.store.search.search('weath*')), ['s2']);
  });

  test('newest first, ties in the same second by the order stored', () => {
    assert.deepEqual(ids(t.store.search.search('pricing')), ['s1', 's2', 's3']);
    const twin = { subject: 'Walrus memo', text: 'same words', to: [], from: { name: '', address: 'w@x.example' } };
    t.store.messages.saveMessages(a2, [
      message({ id: 'old', internalDate: 10, ...twin }),
      message({ id: 'new', internalDate: 20, ...twin }),
    ]);
    assert.deepEqual(ids(t.store.search.search('walrus')), ['new', 'old']);
    t.store.messages.deleteMessages(a2, ['old', 'new']);
  });

  test('stemming: a word finds its plural and other endings', () => {
    assert.deepEqual(ids(t.store.search.search('term')), ['s1'], '"terms" in the body');
    assert.deepEqual(ids(t.store.search.search('discussing')), ['s1']);
  });

  test('filters by account and honours the limit', () => {
    assert.deepEqual(ids(t.store.search.search('pricing', { accountId: a2 })), ['s3']);
    assert.equal(t.store.search.search('pricing', { limit: 1 }).length, 1);
  });

  test('returns what the result list shows', () => {
    const [hit] = t.store.search.search('lunch');
    assert.ok(hit);
    assert.equal(hit.subject, 'Lunch');
    assert.deepEqual(hit.from, { name: 'Bob Buyer', address: 'bob@customer.example' });
    assert.equal(hit.date, 2_000);
    assert.equal(hit.accountId, a1);
    assert.match(hit.snippet, /^Pricing came up/);
    assert.equal(hit.threadId, t.store.messages.getMessage(hit.messageId)!.threadId);
  });

  test('hostile input never throws', () => {
    for (const q of ['"a OR ( NEAR*', 'AND', 'NOT pricing', '(((', 'subject:"', '*', '"""', 'NEAR(a b, 3)', "'; DROP TABLE messages; --", 'col:value ^x']) {
      assert.doesNotThrow(() => t.store.search.search(q), q);
    }
    assert.deepEqual(t.store.search.search(''), []);
    assert.equal(t.store.messages.stats().messages, 3);
  });
});

describe('SearchRepository.searchThreads', () => {
  let t: TestStore;
  let accountId: number;
  const DAY = 86_400_000;
  const START = Date.UTC(2026, 0, 1);
  before(async () => {
    t = await openTestStore();
    accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    // 120 threads of 3 messages each, a day apart; every thread mentions "renewal", one in three unread.
    t.store.messages.saveMessages(accountId, Array.from({ length: 360 }, (_, i) => {
      const thread = Math.floor(i / 3);
      return message({
        id: `m-${i}`,
        threadId: `t-${thread}`,
        subject: `Renewal ${thread}`,
        internalDate: START + i * DAY,
        labels: thread % 3 === 0 ? ['INBOX', 'UNREAD'] : ['INBOX'],
        text: i % 2 ? 'The contract redlines are attached.' : 'About the renewal pricing.',
      });
    }));
  });
  after(() => t.cleanup());

  const threadKeys = (page: { threads: Array<{ threadId: number }> }) =>
    page.threads.map((th) => t.store.threads.getThread(th.threadId)!.providerThreadId);

  test('each conversation once, ordered by its newest match, newest first', () => {
    const page = t.store.search.searchThreads('renewal', { limit: 10 });
    assert.deepEqual(threadKeys(page), Array.from({ length: 10 }, (_, i) => `t-${119 - i}`));
    assert.equal(page.threads[0]!.messageCount, 3);
  });

  test('paging continues where the page ended, never repeating a thread, and ends with next = null', () => {
    const seen: number[] = [];
    let next: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = t.store.search.searchThreads('renewal', { limit: 50, ...(next !== undefined ? { before: next } : {}), excludeThreadIds: seen });
      seen.push(...page.threads.map((th) => th.threadId));
      if (page.next === null) break;
      next = page.next;
    }
    assert.equal(seen.length, 120);
    assert.equal(new Set(seen).size, 120);
  });

  test('the matched words are marked in the snippet and the subject', () => {
    const [first] = t.store.search.searchThreads('redline', { limit: 1 }).threads;
    assert.ok(first);
    const marked = first.snippetHighlights.map(([a, b]) => first.snippet.slice(a, b));
    assert.deepEqual(marked, ['redlines']);
    const [renewal] = t.store.search.searchThreads('renewal pricing', { limit: 1 }).threads;
    assert.deepEqual(renewal!.subjectHighlights.map(([a, b]) => renewal!.subject.slice(a, b)), ['Renewal']);
  });

  test('is:unread, dates and OR narrow the conversations', () => {
    assert.equal(t.store.search.countThreads('renewal is:unread').count, 40);
    const january = t.store.search.searchThreads('after:2026/01/01 before:2026/01/31', { limit: 200 });
    assert.deepEqual(threadKeys(january).sort(), Array.from({ length: 10 }, (_, i) => `t-${i}`).sort(), 'days 0–29: threads 0–9');
    assert.equal(t.store.search.countThreads('"Renewal 7" OR "Renewal 8"').count, 2);
    assert.equal(t.store.search.countThreads('renewal -redlines').count, 120, 'every thread has a message without redlines');
  });

  test('the count stops at its cap and says so', () => {
    assert.deepEqual(t.store.search.countThreads('renewal', { cap: 100 }), { count: 100, capped: true });
    assert.deepEqual(t.store.search.countThreads('renewal'), { count: 120, capped: false });
  });
});
