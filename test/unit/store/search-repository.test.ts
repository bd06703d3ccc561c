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

  test('ranks subject matches above a body match, then newer first among equal matches', () => {
    const ranked = ids(t.store.search.search('pricing'));
    assert.deepEqual(ranked.slice(0, 2).sort(), ['s1', 's3']);
    assert.equal(ranked[2], 's2');

    const twin = { subject: 'Walrus memo', text: 'same words', to: [], from: { name: '', address: 'w@x.example' } };
    t.store.messages.saveMessages(a2, [
      message({ id: 'old', internalDate: 10, ...twin }),
      message({ id: 'new', internalDate: 20, ...twin }),
    ]);
    assert.deepEqual(ids(t.store.search.search('walrus')), ['new', 'old']);
    t.store.messages.deleteMessages(a2, ['old', 'new']);
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
